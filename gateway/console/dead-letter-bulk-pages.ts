// 批量重放 (bulk replay) in the console (gateway/console/README.md#pages): from a line of the
// dead-letter summary, for holders of `replay`, a confirmation page showing the province's state
// (is it back?) and how many letters of that adapter and kind wait, then the batch — the oldest
// 200 through the same audited use case as the API and CLI (admin/dead-letter-bulk-replay.ts) —
// and its result: replayed, skipped (replayed by someone else meanwhile), remaining — shown by a
// GET after the POST, each confirmation's batch run once (bulk-replay-batches.ts). Refused
// cases are not offered: the province would refuse them again (one by one, after checking); asked
// for anyway, they are answered as the API answers them, 422 GW_BULK_REPLAY_REFUSED at /kind.
// A confirmation with no letter left (opened again after its batch replayed the last ones, or
// after another operator's) says so and links back to the list: it read "0 letters; this
// replays the oldest 0", asked to check the province, and had no button.
import type { Request, Response, Router } from 'express';
import {
  refuseBulkReplayOfRefused,
  replayDeadLettersInBulk,
} from '../admin/dead-letter-bulk-replay.ts';
import { summariseDeadLetters } from '../admin/dead-letter-summary.ts';
import { FAILURE_KINDS, type FailureKindKey } from '../cases/failure-kind.ts';
import { MAX_PAGE } from '../http/cursor.ts';
import { locals } from '../http/request-context.ts';
import { gatewayRouter } from '../http/router.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import {
  BulkReplayBatches,
  isBatchId,
  newBatchId,
  type BatchRecord,
} from './bulk-replay-batches.ts';
import { operatorRequest, sessionOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { provinceName } from './console-labels.ts';
import { deadLetterListUrl } from './dead-letter-list-paging.ts';
import { failureAdvice, failureKindNamed } from './failure-kinds.ts';
import { formText, postForm, queryText } from './forms.ts';
import { html } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { provinceStateSection, readProvinceState } from './province-state.ts';

const ACTION = 'dead-letter.replay-bulk';

/**
 * The confirmation's count in plain English, one clause at a time: it used to put the kind's name,
 * which has parentheses of its own, inside parentheses.
 */
function bulkCountEn(adapter: string, kind: FailureKindKey, total: number, batch: number): string {
  const letters = `${total} dead letter${total === 1 ? '' : 's'}`;
  const replays = batch === total ? 'This replays all of them' : `This replays the oldest ${batch}`;
  return `Adapter ${adapter} has ${letters} of one kind: ${failureKindNamed(kind).en}. ${replays}. ${failureKindNamed(kind).checkEn}`;
}

export function deadLetterBulkPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { store } = deps.services;
  const batches = new BulkReplayBatches(
    deps.services.redis,
    redisKeys(deps.services.config.keyPrefix).console,
  );
  const resultUrl = (batchId: string) => `/console/dead-letters/replay/${batchId}`;

  /** The adapter and kind asked for: a known adapter and a failure kind. */
  function batchOf(adapterText: string, kindText: string) {
    if (!deps.services.routing.routes.adapters().includes(adapterText))
      throw new ConsoleError(400, `没有通道 ${adapterText.slice(0, 32)}`, 'No such adapter');
    if (!(FAILURE_KINDS as readonly string[]).includes(kindText))
      throw new ConsoleError(400, '失败原因类别无效', 'No such failure kind');
    return { adapter: adapterText, kind: kindText as FailureKindKey };
  }

  router.get('/dead-letters/replay', requireRight(deps, 'replay', ACTION), async (req, res) => {
    const { adapter, kind } = batchOf(
      queryText(req.query, 'adapter', 32),
      queryText(req.query, 'kind', 16),
    );
    // No confirmation for a batch the use case would refuse (its POST is refused by the use case).
    refuseBulkReplayOfRefused(kind);
    const summary = await summariseDeadLetters(store, { adapter, kind });
    const region = summary.tallies[0]?.targetRegion;
    const state = region ? await readProvinceState(deps.services, adapter, region) : undefined;
    const batch = Math.min(summary.total, MAX_PAGE);
    sendPage(
      res,
      page(res, {
        title: '确认批量重放',
        en: 'Confirm bulk replay',
        active: 'dead-letters',
        body: postForm(
          sessionOf(res),
          '/console/dead-letters/replay',
          html`<input type="hidden" name="adapter" value="${adapter}" />
            <input type="hidden" name="kind" value="${kind}" />
            <input type="hidden" name="batch" value="${newBatchId()}" />
            ${
              batch > 0
                ? html`<p id="bulk-count" data-count="${summary.total}" data-batch="${batch}">
                    ${region ? provinceName(region.slice(0, 2)) : ''} 通道
                    <strong>${adapter}</strong>
                    「${failureKindNamed(kind).zh}」的死信共 ${summary.total} 件；本次重放最早失败的
                    ${batch} 件，重新送往该省平台。${failureKindNamed(kind).checkZh}
                    <span class="en">${bulkCountEn(adapter, kind, summary.total, batch)}</span>
                  </p>`
                : html`<p id="bulk-count" class="notice ok" data-count="0" data-batch="0">
                    通道
                    <strong>${adapter}</strong
                    >「${failureKindNamed(kind).zh}」没有待重放的死信：可能已由本次或其他运维人员重放。请回到死信列表查看。
                    <span class="en"
                      >Adapter ${adapter} has no dead letters of this kind: they may have been
                      replayed already. See the dead-letter list.</span
                    >
                  </p>`
            }
            ${batch > 0 ? failureAdvice(failureKindNamed(kind)) : ''}
            ${state ? provinceStateSection(state, deps.services.now().getTime()) : ''}
            <div class="actions">
              ${batch > 0 ? html`<button type="submit" class="danger" id="bulk-replay-confirm">确认重放 ${batch} 件 <span class="en">Replay ${batch}</span></button>` : ''}
              <a href="${deadLetterListUrl({ adapter, kind })}" id="bulk-replay-cancel"
                >${
                  batch > 0
                    ? html`取消 <span class="en">Cancel</span>`
                    : html`返回死信列表 <span class="en">Back to the dead letters</span>`
                }</a
              >
            </div>`,
          { id: 'bulk-replay-form', className: 'card' },
        ),
      }),
    );
  });

  // The replay right first (403, audited refused, as the API checks it first), then the batch id,
  // claimed before the replay: a form sent again goes to its batch's result, never runs a second
  // batch. replayDeadLettersInBulk audits the batch and each case; kind `refused` it refuses itself
  // (422, audited `failed` as from the API), and the claim is given back.
  router.post(
    '/dead-letters/replay',
    requireRight(deps, 'replay', ACTION),
    async (req: Request, res: Response) => {
      const { adapter, kind } = batchOf(
        formText(req.body, 'adapter', 32),
        formText(req.body, 'kind', 16),
      );
      const batchId = formText(req.body, 'batch', 64);
      if (!isBatchId(batchId))
        throw new ConsoleError(
          400,
          '缺少批次号：请从确认页面重新提交',
          'No batch id: confirm again from the confirmation page',
        );
      const operator = operatorRequest(res);
      if (!(await batches.claim(batchId, { adapter, kind, operator: operator.operator.id }))) {
        res.redirect(303, resultUrl(batchId));
        return;
      }
      let result;
      try {
        result = await replayDeadLettersInBulk(deps.services, {
          ...operator,
          log: locals(res).log,
          adapter,
          kind,
          limit: MAX_PAGE,
        });
      } catch (error) {
        await batches.release(batchId);
        throw error;
      }
      await batches.finish(batchId, { adapter, kind, operator: operator.operator.id, result });
      res.redirect(303, resultUrl(batchId));
    },
  );

  router.get(
    '/dead-letters/replay/:batchId',
    requireRight(deps, 'replay', ACTION),
    async (req, res) => {
      const batchId = String(req.params.batchId);
      const batch = isBatchId(batchId) ? await batches.read(batchId) : undefined;
      if (!batch)
        throw new ConsoleError(
          404,
          '没有这一批重放（记录保留一天）',
          'No such bulk replay (results are kept for a day)',
        );
      sendPage(
        res,
        page(res, {
          title: '批量重放结果',
          en: 'Bulk replay',
          active: 'dead-letters',
          body: batchResult(batch),
        }),
      );
    },
  );
  return router;
}

/** A batch's result, or that it is still running (the POST that claimed it has not answered). */
function batchResult({ adapter, kind, result }: BatchRecord) {
  const again = `/console/dead-letters/replay?${new URLSearchParams({ adapter, kind }).toString()}`;
  if (!result)
    return html`<section class="card" id="bulk-replay-running">
      <p class="notice warn">
        这一批正在重放，请稍后刷新本页查看结果。
        <span class="en"
          >This batch is being replayed: reload this page in a moment for its result.</span
        >
      </p>
    </section>`;
  return html`<section
    class="card"
    id="bulk-replay-result"
    data-replayed="${result.replayed.length}"
    data-skipped="${result.skipped.length}"
    data-remaining="${result.remaining}"
  >
    <p class="notice ok">
      已重新排队 ${result.replayed.length} 件
      <span class="en">Queued again: ${result.replayed.length}</span>
    </p>
    ${
      result.skipped.length
        ? html`<p class="notice warn">
              跳过 ${result.skipped.length} 件（已被他人重放或已不在死信中）
              <span class="en"
                >Skipped ${result.skipped.length} (replayed by someone else, or no longer dead
                letters)</span
              >
            </p>
            <ul id="bulk-skipped">
              ${result.skipped.map((s) => html`<li data-case="${s.caseId}"><a href="/console/cases/${s.caseId}">${s.caseId}</a> <code>${s.code}</code></li>`)}
            </ul>`
        : ''
    }
    <p id="bulk-remaining">
      ${adapter}「${failureKindNamed(kind).zh}」剩余 ${result.remaining} 件
      <span class="en">${result.remaining} remaining</span>
    </p>
    <div class="actions">
      ${result.remaining > 0 ? html`<a class="button" id="bulk-replay-next" href="${again}">${label('继续重放…', 'Replay the next…')}</a>` : ''}
      <a id="bulk-replay-back" href="${deadLetterListUrl({ adapter, kind })}"
        >${label('返回死信', 'Back to the dead letters')}</a
      >
    </div>
  </section>`;
}
