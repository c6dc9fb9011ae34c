// The gateway's own notes and failure reasons as the console shows them: Chinese first, the stored
// English beside it (gateway/console/README.md#gateway-notes). The gateway writes them in English
// (a timeline's `valid for SW-005 v1`, a rectification's `opened by a level 1 差评`, a dead
// letter's `gave up after 6 attempts: province unreachable (ECONNREFUSED)`); the API and the store
// keep that text, only what the console shows changes. A province's or a person's own text, and a
// note this table does not know, is shown as it is — as is the text after a reason's prefix when
// it is the province's (`refused: yn RETCODE -102: …`).
import { STATUS_ZH } from './console-labels.ts';
import { timesIn } from './console-time.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';

type Wording = readonly [RegExp, (m: RegExpExecArray) => HtmlValue];

/** Times in a captured part shown as the page shows times. */
const t = (text: string | undefined) => timesIn(text ?? '');

/** Whole notes the gateway writes, and the delivery faults adapters/kit words for every province. */
const NOTES: readonly Wording[] = [
  [/^valid for (\S+) v(\S+)$/, (m) => html`按事项 ${m[1]} 第 ${m[2]} 版校验通过`],
  [/^queued to (.+)$/, (m) => html`已排队，发往 ${m[1]}`],
  [/^resubmission of (.+)$/, (m) => html`重新申报，原办件 ${m[1]}`],
  [/^resubmitted as (.+)$/, (m) => html`已重新申报为 ${m[1]}`],
  [/^dead letter replayed by (.+)$/, (m) => html`死信已由 ${m[1]} 重放`],
  [/^reported by the province$/, () => '省级平台报告'],
  [/^status query: the province holds the case$/, () => '状态查询：省级平台已有此办件'],
  [/^opened by a level (\S+) 差评$/, (m) => html`由 ${m[1]} 级差评开启`],
  [
    /^re-rated (\S+) by default: no re-rating by (.+)$/,
    (m) => html`默认复评为 ${m[1]} 级：截至 ${t(m[2])} 未复评`,
  ],
  [/^re-rated (\S+)$/, (m) => html`复评为 ${m[1]} 级`],
  [
    /^every party reached (\S+)( \(completed late\))?$/,
    (m) => html`各方均已${STATUS_ZH[m[1]!] ?? m[1]}${m[2] ? '（逾期完成）' : ''}`,
  ],
  [/^督办预警: the deadline (.+) is near$/, (m) => html`督办预警：期限 ${t(m[1])} 将至`],
  [
    /^督办催办: the deadline (.+) has passed; the handling province is urged$/,
    (m) => html`督办催办：已过期限 ${t(m[1])}，已催办办理省份`,
  ],
  [
    /^督办通报: still open after the deadline (.+); escalated to operators$/,
    (m) => html`督办通报：期限 ${t(m[1])} 已过仍未办结，已通报运维人员`,
  ],
  [/^province unreachable \((.+)\)$/, (m) => html`省级平台无法连接（${m[1]}）`],
  [/^province timed out$/, () => '省级平台响应超时'],
  [
    /^province answered (HTTP .+) with a body that is not JSON$/,
    (m) => html`省级平台返回 ${m[1]}，但响应不是 JSON`,
  ],
  [/^province answered (HTTP .+)$/, (m) => html`省级平台返回 ${m[1]}`],
  [/^province refused with (HTTP .+)$/, (m) => html`省级平台拒收（${m[1]}）`],
  [/^province call failed$/, () => '调用省级平台失败'],
  [/^delivery aborted$/, () => '投递已中止'],
];

/** The prefixes of a dead letter's reason (adapters/kit/job-runner.ts, cases/failure-kind.ts). */
const REASON_PREFIXES: readonly Wording[] = [
  [/^gave up after (\S+) attempts?: /, (m) => html`重试 ${m[1]} 次后放弃：`],
  [/^refused: /, () => '省级平台拒收：'],
  [/^stored submission unreadable: /, () => '办件数据无法解密：'],
];

/** The first wording in `table` that matches `text`: what it matched, and its words. */
function matchIn(text: string, table: readonly Wording[]): SafeHtml | undefined {
  for (const [pattern, zh] of table) {
    const m = pattern.exec(text);
    if (m) return worded(m, zh);
  }
  return undefined;
}

function worded(m: RegExpExecArray, zh: Wording[1]): SafeHtml {
  return html`${zh(m)} <span class="en">${timesIn(m[0].trimEnd())}</span>`;
}

/**
 * A province's or a person's own text, as written: its line breaks kept, and isolated (bdi), so
 * right-to-left letters or an override in it draw nothing after it out of place.
 */
function ownText(text: string): SafeHtml {
  return html`<bdi class="own-text">${timesIn(text)}</bdi>`;
}

/** A note or failure reason as the console shows it (masked first, where the page masks). */
export function gatewayNote(text: string): SafeHtml {
  for (const [pattern, zh] of REASON_PREFIXES) {
    const prefix = pattern.exec(text);
    if (!prefix) continue;
    const rest = text.slice(prefix[0].length);
    return html`${worded(prefix, zh)} ${matchIn(rest, NOTES) ?? ownText(rest)}`;
  }
  return matchIn(text, NOTES) ?? ownText(text);
}
