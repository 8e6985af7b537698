// `herald api-keys --help`, apart from api-keys.ts so that printing it loads no database code.
export const API_KEYS_USAGE = `usage: herald api-keys <create|list|revoke> [options]

  create   --name NAME --scope admin|ingest|read|subscriber
           [--subscriber sbr_...] (required for scope subscriber)
           [--expires 2030-01-01T00:00:00Z] [--allowed-ips CIDR,CIDR] [--rate-limit N per second]
           prints the key once; only its hash is stored
  list     every key, newest first (never the key itself)
  revoke   KEY_ID

  common   --db URL (default HERALD_DATABASE_URL)  --json (machine-readable output)`;
