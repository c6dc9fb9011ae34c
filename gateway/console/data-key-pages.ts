// 数据密钥 (data keys) in the console (gateway/console/README.md#pages, gateway/README.md#key-rotation),
// for operators holding `data-keys`: the current and listed key ids, the census of the keys the
// stored records are sealed under, and their re-seal under the current key — through the same
// functions as the operator API and CLI (admin/data-keys.ts: censusAudited, resealAudited, which
// audit every page under the operator; the sums and key verdicts). Both walk every shard
// in pages; one click walks at most STEP_PAGES pages or about STEP_MS, then the page offers
// "continue" with the walk's cursor, so no click holds a request open for long. The census carries
// its running counts in the continue form (they are only ever the operator's own numbers); a key
// is called removable only once the walk has reached its end.
import type { Response, Router } from 'express';
import {
  addCensusPage,
  addResealPage,
  censusAudited,
  DATA_KEY_PAGE_MAX,
  emptyCensus,
  emptyReseal,
  keyVerdicts,
  resealAudited,
  type CensusSum,
  type KeyVerdict,
  type ResealSum,
} from '../admin/data-keys.ts';
import { UNRECOGNISED } from '../cases/sealed-records.ts';
import { gatewayRouter } from '../http/router.ts';
import { isGatewayError } from '../shared/errors.ts';
import { operatorRequest, sessionOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { formText, postForm } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { label, page, sendPage } from './layout.ts';

/** At most this many pages per click… */
export const STEP_PAGES = 20;
/** …and no new page once a click has walked this long. */
const STEP_MS = 3_000;
/** The API's cursor pattern (data-key-routes.ts): checked before it is decoded. */
const CURSOR = /^[A-Za-z0-9_-]{1,64}$/;
const LIMIT = /^(1000|[1-9][0-9]{0,2})$/;

const VERDICT: Readonly<Record<KeyVerdict['verdict'], [string, string, string]>> = {
  current: ['当前密钥', 'current: seals new records', 'ok'],
  needed: ['仍需保留', 'still needed: re-seal first', 'warn'],
  removable: ['可移除', 'removable from GW_DATA_KEYS', 'ok'],
  'not-listed': ['未列出，无法解密', 'not listed: cannot be opened here', 'bad'],
};

const RECORD_ZH: Readonly<Record<string, string>> = {
  envelope: '申请材料',
  result: '办理结果',
  'evaluation-comment': '评价意见',
  're-rating-comment': '复评意见',
  'history-note': '办件记录备注',
  'failure-reason': '送达失败原因',
  'callback-result': '回调中的办理结果',
};

interface WalkForm {
  cursor: string | undefined;
  limit: string;
}

/** The walk's cursor and page size from a form: 400 with a clear message when not well-formed. */
function walkForm(body: unknown): WalkForm {
  const cursor = formText(body, 'cursor', 100);
  const limit = formText(body, 'limit', 10) || String(DATA_KEY_PAGE_MAX);
  if (cursor && !CURSOR.test(cursor)) throw badCursor();
  if (!LIMIT.test(limit))
    throw new ConsoleError(400, '每页数量应为 1–1000', 'The page size must be 1–1000');
  return { cursor: cursor || undefined, limit };
}

function badCursor(): ConsoleError {
  return new ConsoleError(
    400,
    '游标无效：不是本次遍历返回的游标，请从头开始',
    'Not a cursor this walk gave out; start again from the beginning',
  );
}

/**
 * A use case's 400 for a cursor it cannot decode, or Redis refusing a SCAN cursor beyond 64 bits
 * (well-formed for the decoder), as the console's message.
 */
function cursorRefusal(error: unknown): never {
  if (isGatewayError(error) && error.code === 'GW_INVALID_PARAMETER') throw badCursor();
  if (error instanceof Error && /invalid cursor/i.test(error.message)) throw badCursor();
  throw error;
}

const isCount = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isCounts = (c: unknown): c is Record<string, number> =>
  typeof c === 'object' &&
  c !== null &&
  !Array.isArray(c) &&
  Object.entries(c).every(([k, n]) => k.length <= 64 && isCount(n));

/** The counts earlier clicks of this census carried in the continue form (required with a cursor). */
function carriedCensus(body: unknown): CensusSum {
  const text = formText(body, 'counted', 16_000);
  const sum = emptyCensus();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const p = parsed as Partial<Record<keyof CensusSum, unknown>> | undefined;
  // Absent from a form a console of the previous version drew (a rolling upgrade): none yet.
  const failureReasons = p?.failureReasons ?? {};
  const clearFailureReasons = p?.clearFailureReasons ?? 0;
  const callbackResults = p?.callbackResults ?? {};
  const clearCallbackResults = p?.clearCallbackResults ?? 0;
  if (
    !p ||
    !isCount(p.cases) ||
    !isCount(p.clearResults) ||
    !isCounts(p.envelopes) ||
    !isCounts(p.results) ||
    !isCounts(p.comments) ||
    !isCounts(p.notes) ||
    !isCounts(failureReasons) ||
    !isCount(clearFailureReasons) ||
    !isCounts(callbackResults) ||
    !isCount(clearCallbackResults)
  )
    throw new ConsoleError(
      400,
      '续查的计数无效，请重新开始统计',
      'The counts carried over are not valid; start the census again',
    );
  return {
    ...sum,
    cases: p.cases,
    clearResults: p.clearResults,
    envelopes: p.envelopes,
    results: p.results,
    comments: p.comments,
    notes: p.notes,
    failureReasons,
    clearFailureReasons,
    callbackResults,
    clearCallbackResults,
  };
}

/** Walks pages from `cursor` until the end, STEP_PAGES pages or STEP_MS; the cursor left. */
async function walk<P extends { nextCursor: string | null }>(
  from: string | undefined,
  onePage: (cursor: string | undefined) => Promise<P>,
  add: (page: P) => void,
): Promise<string | null> {
  const started = performance.now();
  let cursor: string | null = from ?? null;
  for (let pages = 0; pages < STEP_PAGES; pages++) {
    let next: P;
    try {
      // The page functions decode the cursor before their promise: a throw, not a rejection.
      next = await onePage(cursor ?? undefined);
    } catch (error) {
      cursorRefusal(error);
    }
    add(next);
    cursor = next.nextCursor;
    if (cursor === null || performance.now() - started > STEP_MS) break;
  }
  return cursor;
}

function countsCell(counts: Readonly<Record<string, number>>, keyId: string): string {
  return String(counts[keyId] ?? 0);
}

function censusSection(res: Response, sum: CensusSum, cursor: string | null, limit: string) {
  const verdicts = keyVerdicts(sum);
  const done = cursor === null;
  const rows = verdicts.map(({ keyId, records, verdict }) => {
    const [zh, en, tone] = VERDICT[verdict];
    // Until the walk ends a zero proves nothing: no key is called removable yet.
    const badge =
      !done && verdict === 'removable'
        ? html`<span class="badge" data-verdict="pending"
            >待统计完成 <span class="en">walk not finished</span></span
          >`
        : html`<span class="badge ${tone}" data-verdict="${verdict}"
            >${zh} <span class="en">${en}</span></span
          >`;
    // The verdict beside its key, before the counts: at 1280 px the seven counts already scroll
    // inside the table, and a verdict in the last column was out of sight.
    return html`<tr data-key="${keyId}" data-records="${records}">
      <td><code>${keyId === UNRECOGNISED ? '(无法识别 unrecognised)' : keyId}</code></td>
      <td>${badge}</td>
      <td class="num" data-count="envelopes">${countsCell(sum.envelopes, keyId)}</td>
      <td class="num" data-count="results">${countsCell(sum.results, keyId)}</td>
      <td class="num" data-count="comments">${countsCell(sum.comments, keyId)}</td>
      <td class="num" data-count="notes">${countsCell(sum.notes, keyId)}</td>
      <td class="num" data-count="failure-reasons">${countsCell(sum.failureReasons, keyId)}</td>
      <td class="num" data-count="callback-results">${countsCell(sum.callbackResults, keyId)}</td>
    </tr>`;
  });
  const unreadable = verdicts
    .filter((v) => v.verdict === 'not-listed')
    .reduce((n, v) => n + v.records, 0);
  const status = done
    ? html`<p class="notice ok" id="census-done">
        统计完成：已遍历全部分片 <span class="en">Census complete: every shard walked</span>
      </p>`
    : html`<p class="notice warn" id="census-partial">
        统计未完成：本次已处理一部分，请点击“继续统计”
        <span class="en">Not finished: this step walked part of the keyspace; continue</span>
      </p>`;
  const more = done
    ? ''
    : postForm(
        sessionOf(res),
        '/console/data-keys/census',
        html`<input type="hidden" name="cursor" value="${cursor}" />
          <input type="hidden" name="limit" value="${limit}" />
          <input
            type="hidden"
            name="counted"
            value="${JSON.stringify({
              cases: sum.cases,
              clearResults: sum.clearResults,
              envelopes: sum.envelopes,
              results: sum.results,
              comments: sum.comments,
              notes: sum.notes,
              failureReasons: sum.failureReasons,
              clearFailureReasons: sum.clearFailureReasons,
              callbackResults: sum.callbackResults,
              clearCallbackResults: sum.clearCallbackResults,
            })}"
          />
          <button type="submit" class="primary" id="census-continue">
            继续统计 <span class="en">Continue the census</span>
          </button>`,
        { id: 'census-continue-form', className: 'actions' },
      );
  return html`<section class="card" id="census" data-done="${String(done)}">
    <h2>${label('统计结果', 'Census')}</h2>
    ${status}
    <dl class="facts">
      <dt>办件 <span class="en">Cases</span></dt>
      <dd id="census-cases">${sum.cases}</dd>
      <dt>明文结果 <span class="en">Results in clear</span></dt>
      <dd id="census-clear-results">${sum.clearResults}</dd>
      <dt>明文失败原因 <span class="en">Failure reasons in clear</span></dt>
      <dd id="census-clear-failure-reasons">${sum.clearFailureReasons}</dd>
      <dt>明文回调结果 <span class="en">Callback results in clear</span></dt>
      <dd id="census-clear-callback-results">${sum.clearCallbackResults}</dd>
      <dt>无法解密的记录 <span class="en">Unreadable records</span></dt>
      <dd id="census-unreadable">${unreadable}</dd>
    </dl>
    <div class="table-wrap">
      <table id="census-keys">
        <thead>
          <tr>
            <th>密钥 <span class="en">Key</span></th>
            <th>结论 <span class="en">Verdict</span></th>
            <th class="num">申请材料 <span class="en">Envelopes</span></th>
            <th class="num">办理结果 <span class="en">Results</span></th>
            <th class="num">评价意见 <span class="en">Comments</span></th>
            <th class="num">记录备注 <span class="en">History notes</span></th>
            <th class="num">失败原因 <span class="en">Failure reasons</span></th>
            <th class="num">回调结果 <span class="en">Callback results</span></th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    ${more}
  </section>`;
}

function resealSection(res: Response, sum: ResealSum, cursor: string | null, limit: string) {
  const done = cursor === null;
  const unreadable = sum.unreadable.map(
    (u) =>
      html`<tr data-unreadable="${u.id}">
        <td><code>${u.id}</code></td>
        <td>${RECORD_ZH[u.record] ?? u.record} <span class="en">${u.record}</span></td>
        <td><code>${u.problem}</code></td>
        <td><code>${u.keyId ?? '—'}</code></td>
      </tr>`,
  );
  const more = done
    ? ''
    : postForm(
        sessionOf(res),
        '/console/data-keys/reseal',
        html`<input type="hidden" name="cursor" value="${cursor}" />
          <input type="hidden" name="limit" value="${limit}" />
          <button type="submit" class="danger" id="reseal-continue">
            继续重新加密 <span class="en">Continue the re-seal</span>
          </button>`,
        { id: 'reseal-continue-form', className: 'actions' },
      );
  return html`<section class="card" id="reseal" data-done="${String(done)}">
    <h2>${label('重新加密结果', 'Re-seal')}</h2>
    ${
      done
        ? html`<p class="notice ok" id="reseal-done">
            重新加密已走完全部分片，请再次统计确认
            <span class="en">Re-seal walked every shard; run the census to confirm</span>
          </p>`
        : html`<p class="notice warn" id="reseal-partial">
            本步已完成，尚未走完全部分片
            <span class="en">This step is done; the walk is not finished</span>
          </p>`
    }
    <dl class="facts">
      <dt>加密密钥 <span class="en">Sealed under</span></dt>
      <dd><code>${sum.currentKeyId}</code></dd>
      <dt>本步办件 <span class="en">Cases in this step</span></dt>
      <dd id="reseal-cases">${sum.cases}</dd>
      <dt>申请材料 <span class="en">Envelopes re-sealed</span></dt>
      <dd id="reseal-envelopes">${sum.resealed.envelopes}</dd>
      <dt>办理结果 <span class="en">Results re-sealed</span></dt>
      <dd id="reseal-results">${sum.resealed.results}</dd>
      <dt>评价意见 <span class="en">Comments re-sealed</span></dt>
      <dd id="reseal-comments">${sum.resealed.comments}</dd>
      <dt>记录备注 <span class="en">History notes re-sealed</span></dt>
      <dd id="reseal-notes">${sum.resealed.notes}</dd>
      <dt>失败原因 <span class="en">Failure reasons re-sealed</span></dt>
      <dd id="reseal-failure-reasons">${sum.resealed.failureReasons}</dd>
      <dt>回调结果 <span class="en">Callback results re-sealed</span></dt>
      <dd id="reseal-callback-results">${sum.resealed.callbackResults}</dd>
      <dt>明文结果已加密 <span class="en">Clear results sealed</span></dt>
      <dd id="reseal-clear-results">${sum.sealedClearResults}</dd>
      <dt>明文失败原因已加密 <span class="en">Clear failure reasons sealed</span></dt>
      <dd id="reseal-clear-failure-reasons">${sum.sealedClearFailureReasons}</dd>
      <dt>明文回调结果已加密 <span class="en">Clear callback results sealed</span></dt>
      <dd id="reseal-clear-callback-results">${sum.sealedClearCallbackResults}</dd>
      <dt>期间被修改 <span class="en">Changed meanwhile (run again)</span></dt>
      <dd id="reseal-changed">${sum.changed.length ? sum.changed.join(', ') : '0'}</dd>
      <dt>无法解密 <span class="en">Unreadable, left as they are</span></dt>
      <dd id="reseal-unreadable">${sum.unreadable.length}</dd>
    </dl>
    ${
      unreadable.length
        ? html`<div class="table-wrap">
            <table id="reseal-unreadable-records">
              <thead>
                <tr>
                  <th>编号 <span class="en">Id</span></th>
                  <th>记录 <span class="en">Record</span></th>
                  <th>问题 <span class="en">Problem</span></th>
                  <th>密钥 <span class="en">Key</span></th>
                </tr>
              </thead>
              <tbody>
                ${unreadable}
              </tbody>
            </table>
          </div>`
        : ''
    }
    ${more}
  </section>`;
}

export function dataKeyPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { store } = deps.services;
  const needsRight = (action: string) => requireRight(deps, 'data-keys', action);

  function render(res: Response, result: SafeHtml | '') {
    const sealed = store.sealedRecords;
    const listed = sealed.listedKeyIds.map(
      (id) => html`<li data-key="${id}"><code>${id}</code></li>`,
    );
    sendPage(
      res,
      page(res, {
        title: '数据密钥',
        en: 'Data keys',
        active: 'data-keys',
        body: html`<section class="card" id="data-keys">
            <dl class="facts">
              <dt>当前密钥 <span class="en">Current key</span></dt>
              <dd><code id="current-key">${sealed.currentKeyId}</code></dd>
              <dt>已列出的密钥 <span class="en">Listed keys (GW_DATA_KEYS)</span></dt>
              <dd>
                <ul id="listed-keys">
                  ${listed}
                </ul>
              </dd>
            </dl>
            <p class="muted" id="rotation-steps">
              轮换密钥：先在每个网关和工作进程的 GW_DATA_KEYS
              中把新密钥列在最前、保留旧密钥并重启（当前密钥即显示为新密钥）→ 统计 → 重新加密 →
              再次统计，旧密钥显示“可移除”后，从 GW_DATA_KEYS 中删除。
              <span class="en"
                >Rotating: first list the new key first in GW_DATA_KEYS on every gateway and worker,
                keeping the old one, and restart them (the current key above then shows the new one)
                → census → re-seal → census; once the old key shows removable, drop it from
                GW_DATA_KEYS.</span
              >
            </p>
            <div class="actions">
              ${postForm(
                sessionOf(res),
                '/console/data-keys/census',
                html`<button type="submit" class="primary" id="census-run">
                  统计 <span class="en">Run the census</span>
                </button>`,
                { id: 'census-form' },
              )}
              ${postForm(
                sessionOf(res),
                '/console/data-keys/reseal',
                html`<button type="submit" class="danger" id="reseal-run">
                  用当前密钥重新加密 <span class="en">Re-seal under the current key</span>
                </button>`,
                { id: 'reseal-form' },
              )}
            </div>
          </section>
          ${result}`,
      }),
    );
  }

  router.get('/data-keys', needsRight('data-keys.census'), (_req, res) => {
    render(res, '');
  });

  // Every page goes through censusAudited: audited as data-keys.census under the operator.
  router.post('/data-keys/census', needsRight('data-keys.census'), async (req, res) => {
    const { cursor, limit } = walkForm(req.body);
    const sum = cursor ? carriedCensus(req.body) : emptyCensus();
    const request = operatorRequest(res);
    const left = await walk(
      cursor,
      (c) =>
        censusAudited(
          { store, audit: deps.services.audit },
          { ...request, ...(c ? { cursor: c } : {}), limit },
        ),
      (p) => addCensusPage(sum, p),
    );
    render(res, censusSection(res, sum, left, limit));
  });

  // Every page goes through resealAudited: audited as data-keys.reseal under the operator.
  router.post('/data-keys/reseal', needsRight('data-keys.reseal'), async (req, res) => {
    const { cursor, limit } = walkForm(req.body);
    const sum = emptyReseal();
    const request = operatorRequest(res);
    const left = await walk(
      cursor,
      (c) =>
        resealAudited(
          { store, audit: deps.services.audit },
          {
            ...request,
            ...(c ? { cursor: c } : {}),
            limit,
          },
        ),
      (p) => addResealPage(sum, p),
    );
    render(res, resealSection(res, sum, left, limit));
  });
  return router;
}
