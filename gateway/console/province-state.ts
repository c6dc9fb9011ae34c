// Is the province back? (gateway/console/README.md#pages) What a dead letter's page and its replay's
// confirmation say of the adapter before an operator replays into it, from what Redis holds and
// nothing written on the delivery path: its circuit breaker's latest change of state (the breaker
// records each change, adapters/kit/circuit-breaker.ts), its deliveries waiting to retry, and the
// times of its last delivery the province took and its last dead letter (BullMQ's completed and
// failed sets, scored by finishedOn). The worker's metrics are per process: the console cannot
// read them. A province that is down with nothing queued shows only as its breaker's last change.
import type { Job } from 'bullmq';
import { readBreakerRecord, type BreakerChange } from '../../adapters/kit/circuit-breaker.ts';
import type { DeliveryJob } from '../queues/case-queues.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import type { ConsoleServices } from './console-context.ts';
import { provinceName } from './console-labels.ts';
import { shownTime } from './console-time.ts';
import { html, type SafeHtml } from './html.ts';

/** How many of the newest completed or failed jobs are looked through for a delivery's. */
const RECENT_JOBS = 50;
/** An open breaker whose probe is this late was not updated: its worker may have stopped. */
const PROBE_OVERDUE_MS = 60_000;

export interface ProvinceState {
  adapter: string;
  province: string;
  breaker: BreakerChange | undefined;
  /** Deliveries waiting to retry (BullMQ's delayed set). */
  retrying: number;
  lastDelivered: { atMs: number; caseId: string } | undefined;
  lastDeadLetter: { atMs: number; caseId: string } | undefined;
}

type Services = Pick<ConsoleServices, 'config' | 'redis' | 'queues'>;

/** The newest delivery job of `jobs` (newest first) that `counts`, with when it finished. */
function newest(
  jobs: readonly (Job<DeliveryJob> | undefined)[],
  counts: (job: Job<DeliveryJob>) => boolean,
): { atMs: number; caseId: string } | undefined {
  const job = jobs.find((j) => j && j.name === 'deliver' && j.finishedOn && counts(j));
  return job?.finishedOn ? { atMs: job.finishedOn, caseId: job.data.caseId } : undefined;
}

export async function readProvinceState(
  services: Services,
  adapter: string,
  targetRegion: string,
): Promise<ProvinceState> {
  const queue = services.queues.queue(adapter);
  const [breaker, counts, completed, failed] = await Promise.all([
    readBreakerRecord(services.redis, redisKeys(services.config.keyPrefix).breaker(adapter)),
    queue.getJobCounts('delayed'),
    queue.getJobs(['completed'], 0, RECENT_JOBS - 1),
    queue.getJobs(['failed'], 0, RECENT_JOBS - 1),
  ]);
  return {
    adapter,
    province: provinceName(targetRegion.slice(0, 2)),
    breaker,
    retrying: counts.delayed ?? 0,
    // A completed job that found nothing to send (the case moved on) is not the province's answer.
    lastDelivered: newest(
      completed,
      (j) => (j.returnvalue as { delivered?: boolean })?.delivered === true,
    ),
    lastDeadLetter: newest(failed, () => true),
  };
}

const at = shownTime;

/** The breaker's line, Chinese then English: paused (since when, next probe), probing, or closed. */
function breakerWords(s: ProvinceState, nowMs: number): [zh: SafeHtml, en: SafeHtml] {
  const b = s.breaker;
  if (!b)
    return [
      html`${s.province} 接口熔断器未记录过状态变化（未熔断过）`,
      html`— the adapter's circuit breaker has recorded no change (it has not opened)`,
    ];
  const since = at(b.atMs);
  if (b.state === 'open') {
    const probe = b.probeAtMs === undefined ? undefined : at(b.probeAtMs);
    const overdue = b.probeAtMs !== undefined && nowMs - b.probeAtMs > PROBE_OVERDUE_MS;
    return [
      html`${s.province} 接口熔断中（自 ${since}
      起${probe ? html`，下次探测 ${probe}` : ''}），重放将排队等待恢复${overdue ? '。探测已逾期仍未更新：可能没有运行中的投递进程' : ''}`,
      html`— the adapter is paused by its circuit breaker since
      ${since}${probe ? html` (next probe ${probe})` : ''}; a replay waits in its queue until it
      recovers${overdue ? '. The probe is overdue and nothing was recorded: no worker may be running' : ''}`,
    ];
  }
  if (b.state === 'half-open')
    return [
      html`${s.province} 接口熔断后探测中（自 ${since} 起）：下一次投递的结果决定恢复或再次熔断`,
      html`— the adapter's circuit breaker is probing since ${since}: the next delivery's outcome
      closes it or opens it again`,
    ];
  return [
    html`${s.province} 接口未熔断（自 ${since} 起恢复）`,
    html`— the adapter's circuit breaker is closed (recovered at ${since})`,
  ];
}

function breakerLine(s: ProvinceState, nowMs: number): SafeHtml {
  const state = s.breaker?.state ?? 'unknown';
  const [zh, en] = breakerWords(s, nowMs);
  const tone = state === 'open' || state === 'half-open' ? 'notice warn' : 'muted';
  return html`<p id="adapter-breaker" data-breaker="${state}" class="${tone}">
    ${zh} <span class="en">${en}</span>
  </p>`;
}

/** The adapter's state as the replay's confirmation and the dead letter's page show it. */
export function provinceStateSection(s: ProvinceState, nowMs: number): SafeHtml {
  const { retrying } = s;
  return html`<div id="province-state" data-adapter="${s.adapter}">
    ${breakerLine(s, nowMs)}
    <p
      id="adapter-retrying"
      data-count="${retrying}"
      class="${retrying > 0 ? 'notice warn' : 'muted'}"
    >
      通道 ${s.adapter}
      当前等待重试的投递：${retrying}${retrying > 0 ? '（该省平台可能仍未恢复）' : ''}
      <span class="en"
        >Deliveries of ${s.adapter} waiting to retry now:
        ${retrying}${retrying > 0 ? ' (its province may still be failing)' : ''}</span
      >
    </p>
    <p
      id="adapter-last-delivered"
      data-at="${s.lastDelivered ? String(s.lastDelivered.atMs) : ''}"
      class="muted"
    >
      最近一次成功送达 <span class="en">Last delivery the province took</span>:
      ${s.lastDelivered ? html`${at(s.lastDelivered.atMs)} · <a href="/console/cases/${s.lastDelivered.caseId}">${s.lastDelivered.caseId}</a>` : html`最近 ${RECENT_JOBS} 个已完成任务中没有 <span class="en">none among the newest ${RECENT_JOBS} finished jobs</span>`}
    </p>
    <p
      id="adapter-last-dead-letter"
      data-at="${s.lastDeadLetter ? String(s.lastDeadLetter.atMs) : ''}"
      class="muted"
    >
      最近一次最终失败 <span class="en">Last delivery failed for good</span>:
      ${s.lastDeadLetter ? html`${at(s.lastDeadLetter.atMs)} · <a href="/console/dead-letters/${s.lastDeadLetter.caseId}">${s.lastDeadLetter.caseId}</a>` : html`最近 ${RECENT_JOBS} 个失败任务中没有 <span class="en">none among the newest ${RECENT_JOBS} failed jobs</span>`}
    </p>
  </div>`;
}

const BREAKER_BRIEF: Record<BreakerChange['state'] | 'none', [zh: string, en: string]> = {
  open: ['熔断中', 'breaker open'],
  'half-open': ['熔断后探测中', 'breaker probing'],
  closed: ['未熔断', 'breaker closed'],
  none: ['未熔断过', 'breaker never opened'],
};

/**
 * The adapter's state in one line, for a summary row: its breaker (since when) and its deliveries
 * waiting to retry, e.g. "breaker closed since 14:05 · 0 waiting to retry".
 */
export function provinceStateBrief(s: ProvinceState): SafeHtml {
  const state = s.breaker?.state ?? 'none';
  const [zh, en] = BREAKER_BRIEF[state];
  const since = s.breaker ? at(s.breaker.atMs) : undefined;
  return html`<span
    class="province-brief ${state === 'open' || state === 'half-open' || s.retrying > 0 ? 'warn' : ''}"
    data-breaker="${state}"
    data-retrying="${s.retrying}"
    >${zh}${since ? html`（自 ${since} 起）` : ''} · 等待重试 ${s.retrying}
    <span class="en"
      >${en}${since ? html` since ${since}` : ''} · ${s.retrying} waiting to retry</span
    ></span
  >`;
}
