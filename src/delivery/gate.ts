// The pipeline's first stage: whether an attempt may be sent at all. A subscription (or its
// subscriber) disabled after the message was claimed is not called; the attempt is recorded as not
// sent and the message fails (classify.ts). A subscription whose circuit breaker is open
// (src/domain/health.ts) is not called either: the message is held back, without an attempt, until
// the breaker's probe window; when that has come, the job asks the store to be the one probe
// (QueueStore.startProbe), and goes out if it is, or waits for the probe otherwise. Rate limits
// will stop attempts here too.
import type { Subscription } from '../domain/glossary.js';
import { type ProbeVerdict, probeVerdict } from '../domain/health.js';
import { leaseMs } from '../domain/lease.js';
import type { DeliveryJob, QueueStore } from '../store/store.js';
import type { NotSent } from './classify.js';

/**
 * Asks the store for a breaker's probe (QueueStore.startProbe), once per subscription object: the
 * jobs of one claim share their subscription, and the first one's answer stands for the others
 * (if it won the probe, they wait for the probe's result).
 */
export class ProbeGate {
  private readonly asked = new WeakMap<Subscription, { verdict: Promise<ProbeVerdict>; leaseEnds: number }>();

  constructor(
    private readonly store: Pick<QueueStore, 'startProbe'>,
    /** The lease margin of the dispatcher: a probe holds the breaker half-open as long as a lease. */
    private readonly leaseMarginMs: number,
  ) {}

  async ask(job: DeliveryJob, now: number): Promise<ProbeVerdict> {
    const known = this.asked.get(job.subscription);
    if (known) {
      const verdict = await known.verdict;
      return verdict.send && verdict.probe ? { send: false, until: known.leaseEnds } : verdict;
    }
    const leaseEnds = now + leaseMs(job.subscription.timeoutSeconds, this.leaseMarginMs);
    const verdict = this.store.startProbe(job.subscription.id, now, leaseEnds, job.manual);
    this.asked.set(job.subscription, { verdict, leaseEnds });
    return verdict;
  }
}

/** `{ probe }` when the attempt may go out (as its breaker's probe or not); otherwise why not, as
 *  the result it is recorded with. */
export async function gate(job: DeliveryJob, now: number, probes: ProbeGate): Promise<NotSent | { probe: boolean }> {
  if (!job.subscription.enabled || !job.subscriberEnabled) {
    return { kind: 'not_sent', code: 'disabled', message: 'not sent: the subscription or its subscriber is disabled', durationMs: 0 };
  }
  // The claim's view first: a closed breaker (nearly always) costs nothing more.
  const seen = probeVerdict(job.subscription.health, now, job.manual);
  const verdict = seen.send && seen.probe ? await probes.ask(job, now) : seen;
  if (verdict.send) return { probe: verdict.probe };
  return {
    kind: 'not_sent',
    code: 'breaker_open',
    message: `not sent: the circuit breaker is open until ${new Date(verdict.until).toISOString()}`,
    durationMs: 0,
    until: verdict.until,
  };
}
