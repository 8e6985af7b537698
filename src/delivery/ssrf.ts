// The SSRF guard: which network addresses Herald may deliver to. Subscription URLs are chosen by
// outsiders; without this guard anyone who may create a subscription could make Herald call its own
// admin ports, the cloud metadata service (169.254.169.254) or the company's internal network.
//
// The guard runs twice. When a subscription is created or changed, the URL's host is checked: a
// literal address in whatever spelling (WHATWG URL parsing has already turned 127.1, 2130706433,
// 0x7f000001 and 017700000001 into 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1]), or every
// address a host name resolves to, so the subscriber gets a clear 422 at once. Then at connect time,
// for every new connection: the connector resolves the name once, checks every address, and hands
// net.connect only checked addresses through its `lookup` hook, so there is no second lookup that a
// rebinding DNS server could answer differently. net.connect never calls `lookup` for a literal
// address, so the connector checks literals itself. A refused connection is an attempt failed with
// a network error (`blocked: 127.0.0.1 is loopback`), retried on the normal schedule rather than
// failed at once: the DNS record or the allow-list may be fixed meanwhile, and a retry costs one
// lookup, no connection.
//
// Blocked: every special-purpose range of the IANA registries as ipaddr.js classifies them
// (loopback, private, link-local, CGNAT, unspecified, broadcast, multicast, reserved, documentation,
// benchmarking, unique-local, the IPv6 forms that embed an IPv4 address, ...; anything it does not
// call `unicast`), and every IPv6 address outside the global unicast block 2000::/3 (which also
// covers the deprecated IPv4-compatible ::/96). Operators open ranges on purpose with
// HERALD_ALLOWED_NETWORKS.
import { X509Certificate } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';
import type { HeraldConfig } from '../config/config.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Network = [Address, number];

export interface NetworkPolicy {
  /** Ranges the operator allows although they are blocked by default (HERALD_ALLOWED_NETWORKS). */
  allowed: Network[];
  /** Only https:// targets (HERALD_REQUIRE_HTTPS). */
  requireHttps: boolean;
}

/** Why an address is refused: "127.0.0.1 is loopback". */
export interface Verdict {
  address: string;
  reason: string;
}

/** Resolves a host name to every address it has (dns.lookup, all: true, by default). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const DEFAULT_POLICY: NetworkPolicy = { allowed: [], requireHttps: false };
export const LOOKUP_TIMEOUT_MS = 3_000; // create-time resolution; a slower name is checked at connect time

/** What each ipaddr.js range means, for the refusal message. A range not listed here is blocked too. */
const RANGE_REASONS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (cloud metadata services live here)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private (RFC 1918)',
  reserved: 'reserved or documentation',
  benchmarking: 'reserved for benchmarking',
  uniqueLocal: 'unique-local IPv6 (fc00::/7)',
  deprecatedSiteLocal: 'site-local IPv6 (fec0::/10)',
  ipv4Mapped: 'IPv4-mapped IPv6 (::ffff:0:0/96)',
  rfc6145: 'IPv4-translated IPv6 (::ffff:0:0:0/96)',
  rfc6052: 'NAT64 IPv6 (64:ff9b::/96)',
  '6to4': '6to4 IPv6 (2002::/16)',
  teredo: 'Teredo IPv6 (2001::/32)',
  discard: 'discard-only IPv6 (100::/64)',
};

/** IPv6 ranges ipaddr.js calls unicast that are not reachable on the public internet. */
const EXTRA_IPV6_RANGES: { network: Network; reason: string }[] = [
  { network: ipaddr.parseCIDR('::/96'), reason: 'IPv4-compatible IPv6 (::/96)' },
];
const GLOBAL_UNICAST_IPV6 = ipaddr.parseCIDR('2000::/3');

/** Where an IPv6 form embeds an IPv4 address, as 16-bit words [high, low] of the IPv6 address. */
const EMBEDDED_IPV4: Record<string, (words: number[]) => [number, number]> = {
  ipv4Mapped: (w) => [w[6] ?? 0, w[7] ?? 0],
  rfc6145: (w) => [w[6] ?? 0, w[7] ?? 0],
  rfc6052: (w) => [w[6] ?? 0, w[7] ?? 0],
  '6to4': (w) => [w[1] ?? 0, w[2] ?? 0],
  teredo: (w) => [(w[6] ?? 0) ^ 0xffff, (w[7] ?? 0) ^ 0xffff], // the client address, obfuscated
  ipv4Compatible: (w) => [w[6] ?? 0, w[7] ?? 0],
};

/** Parses "10.0.0.0/8, fd00::/8, 192.168.1.7" (a bare address is a single host). Throws on a bad entry. */
export function parseNetworks(text: string): Network[] {
  const out: Network[] = [];
  for (const entry of text.split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    const [address = '', bits, extra] = entry.split('/');
    // net.isIP accepts only the canonical spellings: "10/8" must not quietly mean 0.0.0.10/8.
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
    if (family === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      throw new Error(`"${entry}" is not a network like 10.0.0.0/8 or fd00::/8`);
    }
    out.push([ipaddr.parse(address), prefix]);
  }
  return out;
}

export function networkPolicy(config: Pick<HeraldConfig, 'allowedNetworks' | 'requireHttps'>): NetworkPolicy {
  return { allowed: parseNetworks(config.allowedNetworks), requireHttps: config.requireHttps };
}

function inNetwork(address: Address, [range, bits]: Network): boolean {
  return address.kind() === range.kind() && address.match(range, bits);
}

function isAllowed(address: Address, policy: NetworkPolicy): boolean {
  if (policy.allowed.some((network) => inNetwork(address, network))) return true;
  // An IPv4-mapped address reaches the IPv4 address itself: allowing 127.0.0.0/8 allows ::ffff:127.0.0.1.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    const v4 = (address as ipaddr.IPv6).toIPv4Address();
    return policy.allowed.some((network) => inNetwork(v4, network));
  }
  return false;
}

/** The range name of a blocked address (an ipaddr.js range or one of ours), or null when it is public. */
function blockedRange(address: Address): { range: string; reason: string } | null {
  const range = address.range();
  if (range !== 'unicast') return { range, reason: RANGE_REASONS[range] ?? range };
  if (address.kind() === 'ipv6') {
    for (const extra of EXTRA_IPV6_RANGES) {
      if (inNetwork(address, extra.network)) return { range: 'ipv4Compatible', reason: extra.reason };
    }
    if (!inNetwork(address, GLOBAL_UNICAST_IPV6)) return { range: 'notGlobal', reason: 'outside global unicast IPv6 (2000::/3)' };
  }
  return null;
}

/** Why Herald may not connect to `address` (an IP address, without brackets), or null when it may. */
export function checkAddress(address: string, policy: NetworkPolicy): Verdict | null {
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return { address, reason: 'not a valid IP address' };
  }
  const blocked = blockedRange(parsed);
  if (blocked === null || isAllowed(parsed, policy)) return null;
  const embed = EMBEDDED_IPV4[blocked.range];
  if (embed && parsed.kind() === 'ipv6') {
    const [high, low] = embed((parsed as ipaddr.IPv6).parts);
    const v4 = `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
    return { address, reason: `${blocked.reason}, embedding ${v4}` };
  }
  return { address, reason: blocked.reason };
}

/** "127.0.0.1 is loopback", or "localhost resolves to 127.0.0.1, which is loopback". */
export function describe(verdict: Verdict, hostname?: string): string {
  return hostname && hostname !== verdict.address
    ? `${hostname} resolves to ${verdict.address}, which is ${verdict.reason}`
    : `${verdict.address} is ${verdict.reason}`;
}

/** URL.hostname without the brackets of an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export const resolveSystem: Resolve = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * Why Herald may not deliver to `url`, or null. A host name must resolve only to allowed addresses;
 * a name that does not resolve now (or not within LOOKUP_TIMEOUT_MS) passes, since the connect-time
 * check applies whenever it does.
 */
export async function checkUrlTarget(
  url: URL,
  policy: NetworkPolicy,
  resolve: Resolve = resolveSystem,
  timeoutMs = LOOKUP_TIMEOUT_MS,
): Promise<string | null> {
  if (policy.requireHttps && url.protocol !== 'https:') return 'https is required (HERALD_REQUIRE_HTTPS)';
  const host = bareHost(url.hostname);
  if (isIP(host)) {
    const verdict = checkAddress(host, policy);
    return verdict && describe(verdict);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((done) => {
    timer = setTimeout(() => done(null), timeoutMs);
  });
  try {
    const addresses = await Promise.race([resolve(host), timeout]);
    for (const { address } of addresses ?? []) {
      const verdict = checkAddress(address, policy);
      if (verdict) return describe(verdict, host);
    }
    return null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** A connection refused by the guard; the HTTP client reports it as a `blocked` attempt. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'HERALD_BLOCKED';
}

/**
 * A net.connect `lookup` that resolves once, refuses the connection when any address is blocked,
 * and answers only checked addresses, so the socket dials exactly what was checked.
 */
export function guardedLookup(policy: NetworkPolicy, resolve: Resolve = resolveSystem): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname).then(
      (all) => {
        for (const { address } of all) {
          const verdict = checkAddress(address, policy);
          if (verdict) return callback(new BlockedAddressError(describe(verdict, hostname)), '', 0);
        }
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = family ? all.filter((a) => a.family === family) : all;
        const first = addresses[0];
        if (!first) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          return callback(err, '', 0);
        }
        if (options.all) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/**
 * undici's connector with the guard in front: https required when the policy says so, literal
 * addresses checked here, host names checked by guardedLookup. TLS certificates are always verified
 * (even under NODE_TLS_REJECT_UNAUTHORIZED=0), against `ca` when given.
 */
export function guardedConnector(options: { policy: NetworkPolicy; ca?: string[]; resolve?: Resolve }): buildConnector.connector {
  const { policy } = options;
  const connect = buildConnector({
    lookup: guardedLookup(policy, options.resolve),
    rejectUnauthorized: true,
    ...(options.ca ? { ca: options.ca } : {}),
  } as buildConnector.BuildOptions);
  return (target, callback) => {
    if (policy.requireHttps && target.protocol !== 'https:') {
      return callback(new BlockedAddressError('https is required (HERALD_REQUIRE_HTTPS)'), null);
    }
    const host = bareHost(target.hostname);
    const verdict = isIP(host) ? checkAddress(host, policy) : null;
    if (verdict) return callback(new BlockedAddressError(describe(verdict)), null);
    return connect(target, callback);
  };
}

/** The connector deliveries use under this configuration. Throws when HERALD_CA_FILE is unusable. */
export function deliveryConnector(config: Pick<HeraldConfig, 'allowedNetworks' | 'requireHttps' | 'caFile'>): buildConnector.connector {
  let ca: string[] | undefined;
  if (config.caFile) {
    try {
      ca = loadCaBundle(config.caFile);
    } catch (err) {
      throw new Error(`invalid setting caFile (HERALD_CA_FILE): ${(err as Error).message}`);
    }
  }
  return guardedConnector({ policy: networkPolicy(config), ...(ca ? { ca } : {}) });
}

/** The built-in CA certificates plus those of the PEM file at `path` (HERALD_CA_FILE). Throws when unusable. */
export function loadCaBundle(path: string): string[] {
  const pem = readFileSync(path, 'utf8');
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw new Error(`${path} holds no PEM certificate`);
  for (const certificate of certificates) new X509Certificate(certificate); // throws on a damaged one
  return [...rootCertificates, ...certificates];
}
