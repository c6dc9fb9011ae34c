// A draft's validation as the console shows it (gateway/console/README.md#catalogue-drafts): ok or
// its problems, then the compatibility report against the base version — the same fragment for the
// editor's live check (POST /check, as typed), a refused save, and the draft's last validation.
// The check runs the gateway's own draft validation (catalogueAdmin.checkDraft); its refusals
// become problems in the fragment rather than an error page.
import type { Response } from 'express';
import {
  isUnchangedProblem,
  type DraftInput,
  type ValidationView,
} from '../catalogue/admin/catalogue-admin.ts';
import type { CompatibilityChange } from '../catalogue/compatibility/compatibility-report.ts';
import { isGatewayError, type FieldProblem } from '../shared/errors.ts';
import { operatorRequest, type ConsoleDeps } from './console-context.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { label } from './layout.ts';

/** The problems of a draft, each under its JSON pointer. */
function problemList(problems: readonly FieldProblem[]): HtmlValue {
  if (problems.length === 0) return '';
  return html`<ul class="problems" id="draft-problems">
    ${problems.map(
      (p) =>
        html`<li data-path="${p.path}">
          <code>${p.path || '/'}</code> ${p.messageZh ?? ''} <span class="en">${p.message}</span>
        </li>`,
    )}
  </ul>`;
}

/** The compatibility report's changes against the base version, breaking ones marked. */
export function changesTable(changes: readonly unknown[]): HtmlValue {
  const rows = changes as readonly CompatibilityChange[];
  if (rows.length === 0)
    return html`<p class="muted" id="compat-none">
      与基础版本相比结构无变化 <span class="en">No schema change against the base version</span>
    </p>`;
  return html`<div class="table-wrap">
    <table id="compat-changes" class="stacked">
      <thead>
        <tr>
          <th>位置 <span class="en">Path</span></th>
          <th>规则 <span class="en">Rule</span></th>
          <th>兼容性 <span class="en">Compatibility</span></th>
          <th>说明 <span class="en">Detail</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (c) =>
            html`<tr data-rule="${c.rule}" data-breaking="${String(c.breaking)}">
              <td class="across"><code>${c.path}</code></td>
              <td><code>${c.rule}</code></td>
              <td>
                ${
                  c.breaking
                    ? html`<span class="badge bad">不兼容 <span class="en">breaking</span></span>`
                    : html`<span class="badge ok">兼容 <span class="en">compatible</span></span>`
                }
              </td>
              <td class="across">${c.detail}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The answer of a validation: ok or its problems, then the compatibility changes. */
export function validationReport(
  result: ValidationView | { problems: readonly FieldProblem[]; refused: string },
): SafeHtml {
  if ('refused' in result)
    return html`<div class="notice error" id="check-result" data-ok="false">${result.refused}</div>
      ${problemList(result.problems)}`;
  const breaking = result.compatibility.breaking;
  // A copy of the published version: nothing to fix, nothing to publish — said as such, not as a
  // green pass (the live check said 校验通过 above a draft that submit refuses, GW_DRAFT_UNCHANGED)
  // nor as one problem among others.
  const unchanged = result.problems.find(isUnchangedProblem);
  const others = result.problems.length - (unchanged ? 1 : 0);
  return html`<div
      class="notice ${result.ok ? 'ok' : unchanged && others === 0 ? 'warn' : 'error'}"
      id="check-result"
      data-ok="${String(result.ok)}"
      ${unchanged ? html`data-unchanged="true"` : ''}
    >
      ${
        result.ok
          ? html`校验通过 <span class="en">The draft passes validation</span>`
          : unchanged && others === 0
            ? html`草稿没有修改，没有可提交的内容
                <span class="en">No change against what is published: nothing to submit</span>`
            : html`发现 ${result.problems.length} 个问题
                <span class="en">${result.problems.length} problem(s)</span>`
      }
      ${
        breaking
          ? html` ·
              <span class="badge bad"
                >包含不兼容变更，旧版本将设停止受理日期
                <span class="en">breaking: the base version gets a sunset</span></span
              >`
          : ''
      }
    </div>
    ${problemList(result.problems)}
    <h3>${label('兼容性报告', 'Compatibility report')}</h3>
    ${changesTable(result.compatibility.changes)}`;
}

/** Runs the use case's validation of a would-be draft; refusals become their problems. */
export async function checkInput(
  deps: ConsoleDeps,
  res: Response,
  input: DraftInput,
): Promise<SafeHtml> {
  try {
    return validationReport(
      await deps.services.catalogueAdmin.checkDraft(operatorRequest(res), input),
    );
  } catch (error) {
    if (isGatewayError(error) && error.status < 500)
      return validationReport({
        problems: error.errors ?? [],
        refused: error.errors?.length
          ? `发现 ${error.errors.length} 个问题，保存将被拒绝 ${error.errors.length} problem(s): saving would be refused (${error.code})`
          : `${error.code}: ${error.detail ?? error.message}`,
      });
    throw error;
  }
}
