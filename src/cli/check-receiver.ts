// `herald check-receiver URL --secret whsec_...`: the conformance check (src/receiver/check.ts)
// against a receiver, with the delivery client as the server configures it (HERALD_ALLOWED_NETWORKS,
// HERALD_REQUIRE_HTTPS, HERALD_CA_FILE apply). Prints the scorecard as a table, or JSON; exits 0
// when every check passed, 1 when one failed, 2 for bad arguments.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, publicBaseUrl } from '../config/config.js';
import { HttpClient } from '../delivery/http-client.js';
import { deliveryConnector, networkPolicy } from '../delivery/ssrf.js';
import {
  adHocSubscription,
  type CheckResult,
  checkReceiver,
  DEFAULT_CHECK_TIMEOUT_MS,
  type Scorecard,
  TargetNotAllowedError,
} from '../receiver/check.js';

export const HELP = `usage: herald check-receiver URL (--secret whsec_... | --jwt-secret S) [options]

Sends real requests to the webhook receiver at URL and scores how it answers: a valid signed
request must get a 2xx; a tampered body, a missing or wrong signature, a timestamp 10 minutes old
or ahead must each get a 4xx; a repeated webhook-id and a header with one wrong and one right
signature (a secret rotation) must be accepted; with --jwt-secret, a missing, wrongly signed or
expired JWT must get a 4xx. Redirects fail; plain http:// is a warning.

options:
  --secret whsec_...   the Standard Webhooks signing secret the receiver verifies with
  --jwt-secret S       the JWT secret string, for a receiver checking JWT bearer tokens (seed 002)
  --timeout MS         per request, in milliseconds (default ${DEFAULT_CHECK_TIMEOUT_MS}, at most 120000)
  --json               print the scorecard as JSON
  -h, --help           this help

The SSRF guard applies as for deliveries: a receiver on localhost needs
HERALD_ALLOWED_NETWORKS=127.0.0.0/8. Exit status: 0 every check passed, 1 a check failed,
2 bad arguments or a URL Herald may not call.`;

const MAX_TIMEOUT_MS = 120_000;
const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

class UsageError extends Error {}

interface Arguments {
  url: string;
  secret?: string;
  jwtSecret?: string;
  timeoutMs: number;
  json: boolean;
}

function parse(args: string[]): Arguments | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      secret: { type: 'string' },
      'jwt-secret': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'give the receiver URL' : `one URL only (got ${positionals.join(' ')})`);
  const url = positionals[0] as string;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL: give an absolute http:// or https:// URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`"${url}" is not an http:// or https:// URL`);
  if (values.secret === undefined && values['jwt-secret'] === undefined)
    throw new UsageError('give --secret whsec_... (or --jwt-secret for a JWT receiver)');
  if (values.secret !== undefined && !SECRET_PATTERN.test(values.secret))
    throw new UsageError('--secret must be a Standard Webhooks secret: whsec_ followed by base64');
  if (values['jwt-secret'] === '') throw new UsageError('--jwt-secret must not be empty');
  const timeoutMs = values.timeout === undefined ? DEFAULT_CHECK_TIMEOUT_MS : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
    throw new UsageError(`--timeout must be whole milliseconds from 1 to ${MAX_TIMEOUT_MS} (got "${values.timeout}")`);
  return {
    url,
    ...(values.secret !== undefined ? { secret: values.secret } : {}),
    ...(values['jwt-secret'] !== undefined ? { jwtSecret: values['jwt-secret'] } : {}),
    timeoutMs,
    json: values.json === true,
  };
}

const MARK: Record<CheckResult['status'], string> = { passed: 'pass', failed: 'FAIL', warning: 'warn' };

/** The scorecard as a table, then what was sent and received for each failed check. */
export function scorecardTable(card: Scorecard): string {
  const rows = card.checks.map((c) => [
    c.name,
    MARK[c.status],
    c.received?.status?.toString() ?? (c.received?.error ? 'error' : '-'),
    c.why,
  ]);
  const head = ['CHECK', 'RESULT', 'GOT', 'WHY'];
  const widths = [0, 1, 2].map((i) => Math.max((head[i] as string).length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell)).join('  ');
  const out = [`Receiver ${card.url}`, '', line(head), ...rows.map(line), ''];
  for (const c of card.checks.filter((x) => x.status === 'failed' && x.sent !== null)) {
    out.push(`${c.name}: ${c.description}`);
    out.push(`  sent      ${c.sent?.method} ${c.sent?.url}`);
    for (const [k, v] of Object.entries(c.sent?.headers ?? {})) out.push(`            ${k}: ${v}`);
    out.push(`            body ${c.sent?.body}`);
    out.push(`  received  ${c.received?.status ?? c.received?.error}${c.received?.body ? ` ${c.received.body}` : ''}`);
    out.push('');
  }
  const { passed, failed, warnings } = card.summary;
  out.push(
    `${passed} passed, ${failed} failed, ${warnings} warning${warnings === 1 ? '' : 's'}: ${card.passed ? 'the receiver conforms' : 'the receiver does NOT conform'}`,
  );
  return out.join('\n');
}

export async function run(args: string[]): Promise<number> {
  let parsed: Arguments | 'help';
  try {
    parsed = parse(args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // parseArgs explains over several lines: the first says what is wrong
      console.error(`herald check-receiver: ${(err as Error).message.split('\n')[0]} (herald check-receiver --help)`);
      return 2;
    }
    throw err;
  }
  if (parsed === 'help') {
    console.log(HELP);
    return 0;
  }
  let client: HttpClient;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
    client = new HttpClient({
      connectionsPerOrigin: 2,
      responseBodyCapBytes: config.responseBodyCapBytes,
      connect: deliveryConnector(config),
    });
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof Error && err.message.startsWith('invalid setting'))) throw err;
    console.error(`herald check-receiver: ${err.message}`);
    return 2;
  }
  try {
    const subscription = adHocSubscription(parsed.url, parsed, parsed.timeoutMs);
    const card = await checkReceiver(subscription, {
      client,
      policy: networkPolicy(config),
      publicUrl: publicBaseUrl(config),
      timeoutMs: parsed.timeoutMs,
    });
    console.log(parsed.json ? JSON.stringify(card, null, 2) : scorecardTable(card));
    return card.passed ? 0 : 1;
  } catch (err) {
    if (!(err instanceof TargetNotAllowedError)) throw err;
    console.error(`herald check-receiver: ${err.message}`);
    return 2;
  } finally {
    await client.close();
  }
}
