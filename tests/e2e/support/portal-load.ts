// A steady submission load as real portals send it, for the fault tests: `ratePerSecond` new
// submissions (each its own Idempotency-Key), spread over the adapters' standard cases, for
// `durationMs`. A submission answered 503 or not answered at all (refused connection, reset) may or
// may not have been stored (README.md#fault-figures): the portal retries it with the SAME key
// until it gets its 202 — the stored case if the first try was stored, never a second one.
import { GatewayClient } from '../../../gateway/client/gateway-client.ts';
import { devSecret, validExample } from '../../support/api-gateway.ts';
import { caseFor } from './system.ts';
import type { AdapterId } from '../../../adapters/kit/registry.ts';

export interface Submission {
  key: string;
  /** The case id of its 202, once it has one. */
  caseId?: string;
  /** Every answer it got: an HTTP status, or 'error' when the gateway could not be reached. */
  answers: (number | 'error')[];
}

export interface LoadRun {
  submissions: Submission[];
  /** Resolves once every submission has its 202 or the retry deadline has passed. */
  settled: Promise<void>;
}

export interface LoadOptions {
  /** The gateway's base URL, read at each try (a restarted system may move it). */
  gatewayUrl: () => string;
  adapters: readonly AdapterId[];
  ratePerSecond: number;
  durationMs: number;
  /** Pause between tries of one submission. */
  retryEveryMs: number;
  /** No more tries after this many ms from the start. */
  retryForMs: number;
  label: string;
}

export function startPortalLoad(options: LoadOptions): LoadRun {
  const submissions: Submission[] = [];
  const tasks: Promise<void>[] = [];
  const started = Date.now();
  const clients = new Map<string, GatewayClient>();
  const client = (portal: string) => {
    const url = options.gatewayUrl();
    const key = `${portal} ${url}`;
    let c = clients.get(key);
    if (!c) {
      c = new GatewayClient(url, { clientId: portal, secret: devSecret(portal) });
      clients.set(key, c);
    }
    return c;
  };

  async function submitOne(n: number): Promise<void> {
    const spec = caseFor(options.adapters[n % options.adapters.length]!);
    const envelope = validExample(spec.item, spec.index);
    if (spec.receivingRegion) envelope.receivingRegion = spec.receivingRegion;
    if (spec.handlingRegion) envelope.handlingRegion = spec.handlingRegion;
    const submission: Submission = { key: `${options.label}-${started}-${n}`, answers: [] };
    submissions.push(submission);
    while (Date.now() - started < options.retryForMs) {
      try {
        const res = await client(spec.portal).submitCase<{ caseId: string }>(
          envelope,
          submission.key,
        );
        submission.answers.push(res.status);
        if (res.status === 202) {
          submission.caseId = res.body.caseId;
          return;
        }
        // Anything but 503 is an answer the portal would not retry: the figures report it.
        if (res.status !== 503) return;
      } catch {
        submission.answers.push('error');
      }
      await new Promise((r) => setTimeout(r, options.retryEveryMs));
    }
  }

  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const settled = new Promise<void>((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.min(
        total,
        Math.floor(((Date.now() - started) * options.ratePerSecond) / 1000),
      );
      while (sent < due) tasks.push(submitOne(sent++));
      if (sent >= total) {
        clearInterval(timer);
        void Promise.all(tasks).then(() => resolve());
      }
    }, 5);
  });
  return { submissions, settled };
}
