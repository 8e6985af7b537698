// The store contract suite: every Store implementation must pass it unchanged. A runner per backend
// calls `storeContract(name, makeStore)`; makeStore gives each test a fresh, empty store (the suite
// calls migrate() itself, so an already-migrated store is fine) and a cleanup that closes it and
// removes its data. One file per part of the Store interface (src/store/store.ts), each a function
// of the shared context (./context.ts: the store of the running test, the fixed clock, the helpers).
import { describe } from 'node:test';
import { apiKeyContract } from './api-keys.js';
import { attemptContract } from './attempts.js';
import { auditContract } from './audit.js';
import { contractContext, type MakeStore } from './context.js';
import { eventTypeContract } from './event-types.js';
import { ingestContract } from './ingest.js';
import { lifecycleContract } from './lifecycle.js';
import { messageContract } from './messages.js';
import { queueContract } from './queue.js';
import { rateLimitContract } from './rate-limits.js';
import { retentionContract } from './retention.js';
import { sessionContract } from './sessions.js';
import { statsContract } from './stats.js';
import { subscriberContract } from './subscribers.js';
import { subscriptionContract } from './subscriptions.js';

export type { MakeStore };

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    const ctx = contractContext(makeStore);
    lifecycleContract(ctx);
    eventTypeContract(ctx);
    subscriberContract(ctx);
    subscriptionContract(ctx);
    ingestContract(ctx);
    messageContract(ctx);
    attemptContract(ctx);
    queueContract(ctx);
    retentionContract(ctx);
    sessionContract(ctx);
    apiKeyContract(ctx);
    auditContract(ctx);
    statsContract(ctx);
    rateLimitContract(ctx);
  });
}
