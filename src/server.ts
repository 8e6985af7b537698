// Starts a Herald process: opens and migrates the store, makes sure an admin key exists, then runs
// the roles asked for — the HTTP API (`api`), the dispatcher (`worker`), or both (`all`). A worker
// still listens, serving only /healthz, /readyz and /metrics. SIGTERM/SIGINT stop claiming, let
// attempts in flight finish within the grace period, and close the store.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { prepareJiwa } from './api/jiwa/startup.js';
import type { HeraldConfig } from './config/config.js';
import { ConfigError, healthPolicy, publicBaseUrl } from './config/config.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { EventDescriptions } from './delivery/event-descriptions.js';
import { HttpClient } from './delivery/http-client.js';
import { RelayHub } from './delivery/relay.js';
import { deliveryConnector } from './delivery/ssrf.js';
import { generateApiKey, hashApiKey } from './domain/api-keys.js';
import { newId } from './domain/ids.js';
import {
  type FailedMessage,
  OPERATOR_SUBSCRIBER_ID,
  operationalEvents,
  operationalRecords,
  type StatusChange,
} from './domain/operational.js';
import { logDeliveries } from './observability/delivery-log.js';
import { countFilterErrors } from './observability/filter-errors.js';
import { createLogger } from './observability/logger.js';
import {
  attemptDuration,
  attemptsRecorded,
  attemptsTotal,
  breakerSkipped,
  endpointBackoffs,
  fairnessSource,
  healthCountSource,
  inflightSource,
  messagesHandedOff,
  operationalEventsSent,
  retentionPurged,
  subscriptionsAutoDisabled,
  throttledMessages,
} from './observability/metrics.js';
import { protectSecrets } from './security/protect.js';
import { openStore } from './store/open.js';
import { Retention } from './store/retention.js';
import type { DeliveryOutcome, Store, SubscriptionTransition } from './store/store.js';

export interface RunningHerald {
  app: FastifyInstance;
  store: Store;
  dispatcher: Dispatcher | null;
  /** Deletes events past HERALD_RETENTION_DAYS; runs in processes that deliver. */
  retention: Retention | null;
  /** The address the HTTP server listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  stop(): Promise<void>;
}

export function checkConfig(config: HeraldConfig, store: Store): void {
  if (!store.capabilities.multiProcess && config.role !== 'all') {
    throw new ConfigError(`role "${config.role}" needs PostgreSQL; with SQLite one process runs role "all"`);
  }
}

/** Creates the first admin key when none is configured or stored; returns it (shown once) or null. */
export async function ensureAdminKey(config: HeraldConfig, store: Store): Promise<string | null> {
  if (config.adminKey || (await store.countApiKeys()) > 0) return null;
  const key = generateApiKey();
  const now = Date.now();
  await store.createApiKey({
    id: newId('key', now),
    name: 'admin (generated at first start)',
    scope: 'admin',
    subscriberId: null,
    hash: hashApiKey(key),
    createdAt: now,
    expiresAt: null,
    revokedAt: null,
    allowedIps: null,
    rateLimit: null,
  });
  return key;
}

/** The SSRF-guarded connector of the dispatcher (src/delivery/ssrf.ts); a bad HERALD_CA_FILE stops the start. */
function guardedDelivery(config: HeraldConfig): ReturnType<typeof deliveryConnector> {
  try {
    return deliveryConnector(config);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

const operatorFound = new WeakSet<Store>(); // stores whose operator subscriber exists

/** Whether an operator has subscribed the operator subscriber (src/api/operator.ts): before, there
 *  is no one to report to. (Should it be deleted later, the events' ingest refuses them: harmless.) */
async function operatorSubscribed(store: Store): Promise<boolean> {
  if (!operatorFound.has(store) && (await store.getSubscriber(OPERATOR_SUBSCRIBER_ID)) !== null) operatorFound.add(store);
  return operatorFound.has(store);
}

/** Ingests the operational events of a batch of recorded outcomes; returns how many. */
async function reportOperations(
  store: Store,
  outcomes: readonly DeliveryOutcome[],
  transitions: readonly SubscriptionTransition[],
): Promise<number> {
  const subscriberOf = new Map<string, string>();
  const failed: FailedMessage[] = [];
  for (const o of outcomes) {
    if (!('attempt' in o)) continue;
    const { attempt } = o;
    subscriberOf.set(attempt.subscriptionId, attempt.subscriberId);
    if (o.status !== 'failed') continue;
    failed.push({
      messageId: attempt.messageId,
      subscriptionId: attempt.subscriptionId,
      subscriberId: attempt.subscriberId,
      eventType: attempt.eventType,
      attempts: o.attempts,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      at: attempt.createdAt,
    });
  }
  const changes: StatusChange[] = [];
  for (const t of transitions) {
    if (t.kind !== 'status') continue;
    const subscriberId = subscriberOf.get(t.subscriptionId) ?? (await store.getSubscription(t.subscriptionId))?.subscriberId;
    changes.push({ subscriptionId: t.subscriptionId, subscriberId, from: t.from, to: t.to, reason: t.reason, at: t.at });
  }
  const events = operationalEvents(changes, failed);
  if (events.length === 0 || !(await operatorSubscribed(store))) return 0;
  const results = await store.ingest(events.map((event) => ({ event, requestHash: null })));
  for (const r of results) if (r.status === 'created' && r.filterErrors) countFilterErrors(r.filterErrors, Date.now()); // as GroupCommit counts them
  return events.length;
}

/** The addresses worth knowing, by what they are, for a process of `role` listening at `url`. */
export function startupUrls(url: string, role: HeraldConfig['role']): Record<string, string> {
  // A wildcard address is where the server listens, not where a browser can go.
  const base = url.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=:|$)/, '$1127.0.0.1');
  if (role === 'worker') return { metrics: `${base}/metrics`, health: `${base}/healthz` };
  return { api: `${base}/v1`, docs: `${base}/docs`, dashboard: `${base}/ui/`, metrics: `${base}/metrics` };
}

/** The start-up line: the URLs in the message itself, so a person reads them in any log format. */
export function startupMessage(urls: Record<string, string>): string {
  return `herald is running: ${Object.entries(urls)
    .map(([name, url]) => `${name} ${url}`)
    .join(', ')}`;
}

/** Creates the keys a first start needs and prints them once. Only a process that serves the API
 *  does: on PostgreSQL, workers' output is not where an operator looks for a key. */
async function firstStartKeys(config: HeraldConfig, store: Store): Promise<void> {
  if (config.role === 'worker') return;
  const generated = await ensureAdminKey(config, store);
  if (generated) {
    // Printed once, on stdout, like Jiwa's generated WebhooksClientKey: only its hash is kept.
    process.stdout.write(`\n  Herald admin API key (shown once, store it now):\n\n    ${generated}\n\n`);
  }
  const clientKey = await prepareJiwa(config, store);
  if (clientKey) {
    process.stdout.write(`\n  Herald WebhooksClientKey, ingest only (shown once, store it now):\n\n    ${clientKey}\n\n`);
  }
}

export async function startHerald(config: HeraldConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningHerald> {
  const connect = config.role === 'api' ? undefined : guardedDelivery(config); // before anything is opened
  const raw = await openStore(config.databaseUrl, { poolMax: config.pgPoolMax });
  let store: Store;
  try {
    checkConfig(config, raw);
    await raw.migrate();
    // From here on credentials are sealed at rest (src/security/); `store` seals and opens them.
    store = await protectSecrets(config, raw, logger);
  } catch (err) {
    await raw.close();
    throw err;
  }
  // Operational webhooks' event types are in the catalogue; their subscriber is created when an
  // operator first subscribes it (src/api/operator.ts).
  if (config.operationalWebhooks) await store.importEventTypes(operationalRecords(Date.now()).eventTypes);
  await firstStartKeys(config, store);

  const attemptsSucceeded = attemptsTotal.labels('succeeded'); // bound once: no label lookup per attempt
  const attemptsFailed = attemptsTotal.labels('failed');
  healthCountSource.read = () => store.countSubscriptionHealth();
  const healthLog = logger.child({ component: 'health' });
  const deliveryLog = logger.child({ component: 'delivery' });
  let dispatcher: Dispatcher | null = null;
  let client: HttpClient | null = null;
  // Listeners' relays live where deliveries are made (src/delivery/relay.ts): none in role api.
  const relays = config.role === 'api' ? null : new RelayHub(config.responseBodyCapBytes);
  const descriptions = new EventDescriptions(store);
  if (config.role !== 'api') {
    client = new HttpClient({
      connectionsPerOrigin: config.connectionsPerOrigin,
      responseBodyCapBytes: config.responseBodyCapBytes,
      connect,
    });
    dispatcher = new Dispatcher(
      store,
      client,
      {
        retryInterval: config.retryInterval,
        maxRetries: config.maxRetries,
        concurrency: config.concurrency,
        claimBatch: config.claimBatch,
        leaseMarginMs: config.leaseMarginMs,
        pollIntervalMs: config.pollIntervalMs,
        health: healthPolicy(config),
        publicUrl: publicBaseUrl(config),
        descriptions,
        ...(relays ? { relays } : {}),
      },
      logger.child({ component: 'dispatcher' }),
      {
        onAttempt: (o) => {
          if (!('attempt' in o)) {
            breakerSkipped.inc();
            return;
          }
          (o.status === 'succeeded' ? attemptsSucceeded : attemptsFailed).inc();
          attemptDuration.observe(o.attempt.durationMs / 1000);
        },
        onRecorded: (outcomes, transitions) => {
          let attempts = 0;
          for (const o of outcomes) if ('attempt' in o) attempts++;
          attemptsRecorded.inc(attempts);
          logDeliveries(deliveryLog, outcomes);
          if (config.operationalWebhooks) {
            reportOperations(store, outcomes, transitions).then(
              (n) => operationalEventsSent.inc(n),
              (err) => healthLog.warn({ err }, 'operational events could not be recorded'),
            );
          }
          for (const t of transitions) {
            if (t.kind === 'status' && t.to === 'disabled' && t.reason !== null) subscriptionsAutoDisabled.labels(t.reason).inc();
            const notable = t.kind === 'status' && [t.from, t.to].some((s) => s === 'failing' || s === 'disabled');
            healthLog[notable ? 'info' : 'debug'](t, 'subscription health changed');
          }
        },
        onAdopted: (jobs) => messagesHandedOff.inc(jobs.length),
        onBackoff: () => endpointBackoffs.inc(),
        onThrottled: (n) => throttledMessages.inc(n),
      },
    );
    const running = dispatcher;
    inflightSource.read = () => running.inFlight;
    fairnessSource.read = () => {
      const { inFlight, saturated, parked } = running.fairness();
      const buckets = { '1': 0, '2-4': 0, '5-16': 0, '17-64': 0, '65+': 0 };
      for (const n of inFlight) buckets[n === 1 ? '1' : n <= 4 ? '2-4' : n <= 16 ? '5-16' : n <= 64 ? '17-64' : '65+']++;
      return { inFlight: buckets, saturated, parked };
    };
  }
  // Ingest hands this process's dispatcher the messages it creates (the hand-off, dispatcher.ts).
  const app = await buildApp({
    store,
    config,
    role: config.role,
    ...(dispatcher ? { handoff: dispatcher } : {}),
    ...(relays ? { relays } : {}),
  });
  await dispatcher?.start();
  const retention =
    config.role === 'api'
      ? null
      : new Retention(store, { retentionDays: config.retentionDays }, logger.child({ component: 'retention' }), (purged) => {
          retentionPurged.labels('events').inc(purged.events);
          retentionPurged.labels('messages').inc(purged.messages);
        });
  retention?.start();
  // Beyond this many connections at once, node closes new ones as they arrive (slow clients:
  // app.ts sets the deadlines that free them).
  app.server.maxConnections = config.maxConnections;
  const url = await app.listen({ port: config.port, host: config.host });
  const urls = startupUrls(url, config.role);
  logger.info({ url, role: config.role, store: store.kind, urls }, startupMessage(urls));

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      relays?.closeAll(); // their subscriptions' deliveries in flight fail (and are retried to their URLs)
      await app.close();
      await retention?.stop();
      await dispatcher?.stop(config.shutdownGraceMs);
      await client?.close().catch(() => {});
      await store.close();
    })();
    return stopping;
  };
  return { app, store, dispatcher, retention, url, stop };
}
