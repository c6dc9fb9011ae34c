// 审计 (audit) in the console (gateway/console/README.md#pages), for operators holding
// `audit:read`: the audit chain (gateway/audit), newest entries first (or from its first entry on), paged and filtered by actor, action,
// target (a case id: who did what to it) and outcome, each action named in Chinese beside its code,
// with the chain's verification above: each visit verifies only the entries since the checkpoint
// (audit/audit-verification.ts), a button verifies the whole chain (POST /console/audit/verify).
import type { Router } from 'express';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../audit/audit-chain.ts';
import { gatewayRouter } from '../http/router.ts';
import { chainStatus } from './audit-chain-status.ts';
import { sessionOf, type ConsoleDeps } from './console-context.ts';
import { requireRight } from './console-guard.ts';
import { AUDIT_ACTION_ZH, auditActionName } from './console-labels.ts';
import { filterSelect, queryText } from './forms.ts';
import { html } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { shownTime } from './console-time.ts';

const OUTCOME_ZH: Record<AuditOutcome, string> = { ok: '成功', refused: '拒绝', failed: '失败' };
const PAGE_SIZE = 100;

export function auditPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { audit, auditVerifier } = deps.services;

  router.get('/audit', requireRight(deps, 'audit:read', 'audit.read'), async (req, res) => {
    const actor = queryText(req.query, 'actor', 64);
    const action = queryText(req.query, 'action', 64);
    const target = queryText(req.query, 'target', 64);
    const outcomeText = queryText(req.query, 'outcome', 16);
    const outcome = (AUDIT_OUTCOMES as readonly string[]).includes(outcomeText)
      ? (outcomeText as AuditOutcome)
      : undefined;
    const afterText = queryText(req.query, 'after', 16);
    const after = /^[0-9]{1,12}$/.test(afterText) ? Number(afterText) : undefined;
    const beforeText = queryText(req.query, 'before', 16);
    const before = /^[0-9]{1,12}$/.test(beforeText) ? Number(beforeText) : undefined;
    const filters = {
      limit: PAGE_SIZE,
      ...(actor ? { actor } : {}),
      ...(action ? { action } : {}),
      ...(target ? { target } : {}),
      ...(outcome ? { outcome } : {}),
    };
    // The newest entries first, what an operator looks for; `after` pages forward from the first.
    const [listed, verification] = await Promise.all([
      after !== undefined
        ? audit
            .page({ after, ...filters })
            .then((p) => ({ items: p.items, forward: p.nextCursor, older: null }))
        : audit
            .latest({ ...(before !== undefined ? { before } : {}), ...filters })
            .then((p) => ({ items: p.items, forward: null, older: p.olderCursor })),
      auditVerifier.sinceCheckpoint(),
    ]);
    const status = chainStatus(verification, sessionOf(res));
    const rows = listed.items.map(
      (e) =>
        html`<tr data-seq="${e.seq}" data-action="${e.action}" data-outcome="${e.outcome}">
          <td class="num" data-label="序号 Seq">${e.seq}</td>
          <td class="time">${shownTime(e.at)}</td>
          <td data-label="操作人 Actor">${e.actor}</td>
          <td class="across">
            ${auditActionName(e.action) ?? ''} <code class="en">${e.action}</code>
          </td>
          <td class="across" data-label="对象 Target"><code>${e.target}</code></td>
          <td>
            <span class="badge ${e.outcome === 'ok' ? 'ok' : 'bad'}"
              >${OUTCOME_ZH[e.outcome]} <span class="en">${e.outcome}</span></span
            >
          </td>
          <td class="reason across">${e.reason ?? ''}</td>
          <td data-label="哈希 Hash"><code title="${e.hash}">${e.hash.slice(0, 12)}…</code></td>
        </tr>`,
    );
    const withFilters = (cursor: Record<string, string>) =>
      `/console/audit?${new URLSearchParams({ actor, action, target, outcome: outcome ?? '', ...cursor }).toString()}`;
    const links = [
      listed.older
        ? html`<a id="audit-older" href="${withFilters({ before: listed.older })}"
            >${label('更早的记录', 'Older entries')}</a
          >`
        : '',
      listed.forward
        ? html`<a id="audit-next" href="${withFilters({ after: listed.forward })}"
            >${label('下一页', 'Next page')}</a
          >`
        : '',
      after !== undefined || before !== undefined
        ? html`<a id="audit-newest" href="${withFilters({})}"
            >${label('最新记录', 'Newest entries')}</a
          >`
        : '',
      after === undefined
        ? html`<a id="audit-first" href="${withFilters({ after: '0' })}"
            >${label('从第一条起', 'From the first entry')}</a
          >`
        : '',
    ].filter((l) => l !== '');
    sendPage(
      res,
      page(res, {
        title: '审计',
        en: 'Audit log',
        active: 'audit',
        body: html`${status}
          <form method="get" action="/console/audit" class="card filters" id="audit-filters">
            <div>
              <label for="actor">操作人 <span class="en">Actor</span></label
              ><input id="actor" name="actor" value="${actor}" maxlength="64" />
            </div>
            <div>
              <label for="action">操作 <span class="en">Action</span></label
              ><input
                id="action"
                name="action"
                value="${action}"
                maxlength="64"
                placeholder="dead-letter.replay"
                list="audit-actions"
              /><datalist id="audit-actions">
                ${Object.entries(AUDIT_ACTION_ZH).map(([code, zh]) => html`<option value="${code}">${zh}</option>`)}
              </datalist>
            </div>
            <div>
              <label for="target">对象 <span class="en">Target (case id…)</span></label
              ><input id="target" name="target" value="${target}" maxlength="64" />
            </div>
            ${filterSelect({
              id: 'outcome',
              name: 'outcome',
              zh: '结果',
              en: 'Outcome',
              chosen: outcome,
              values: AUDIT_OUTCOMES,
              named: (o) => OUTCOME_ZH[o],
            })}
            <button type="submit" class="primary">筛选 <span class="en">Filter</span></button>
          </form>
          <div class="table-wrap">
            <table id="audit-entries" class="compact stacked">
              <thead>
                <tr>
                  <th class="num">序号 <span class="en">Seq</span></th>
                  <th>时间 <span class="en">At</span></th>
                  <th>操作人 <span class="en">Actor</span></th>
                  <th>操作 <span class="en">Action</span></th>
                  <th>对象 <span class="en">Target</span></th>
                  <th>结果 <span class="en">Outcome</span></th>
                  <th>理由 <span class="en">Reason</span></th>
                  <th>哈希 <span class="en">Hash</span></th>
                </tr>
              </thead>
              <tbody>
                ${
                  rows.length
                    ? rows
                    : html`<tr>
                        <td colspan="8" class="muted">
                          暂无记录 <span class="en">No entries</span>
                        </td>
                      </tr>`
                }
              </tbody>
            </table>
          </div>
          <p class="muted">
            ${after === undefined ? label('最新的在前', 'Newest first') : label('按序号从前往后', 'In order of seq')}
          </p>
          ${links.length ? html`<p class="actions" id="audit-pages">${links}</p>` : ''}`,
      }),
    );
  });
  // The whole chain, now: as long as SM3 over every entry takes (tens of seconds at 300 000
  // entries); remembered in the checkpoint, which the page it redirects to shows.
  router.post(
    '/audit/verify',
    requireRight(deps, 'audit:read', 'audit.verify'),
    async (_req, res) => {
      await auditVerifier.wholeChain();
      res.redirect(303, '/console/audit');
    },
  );
  return router;
}
