// 目录 (the catalogue) in the console (gateway/console/README.md#pages): the published items as
// this gateway serves them (the live registry, at its revision), searched by code or Chinese name
// and filtered by department, subject, mode, level and enabled province; and one item's page with
// its versions and sunsets, its schema as a field table and as JSON, its cross-field rules, its
// valid and invalid examples and its metadata. Reading needs no right; the draft actions shown
// here need catalogue:edit and are served by catalogue-draft-pages.ts.
import type { Response, Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import type { CatalogueItem } from '../catalogue/catalogue-item.ts';
import {
  DEPARTMENTS,
  LEVELS,
  MEMBER_PROVINCES,
  MODES,
  SUBJECTS,
} from '../catalogue/catalogue-item.ts';
import type { SchemaRegistry } from '../catalogue/schema-registry.ts';
import type { VersionView } from '../catalogue/admin/catalogue-admin.ts';
import { isGatewayError } from '../shared/errors.ts';
import { can, operatorRequest, sessionOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { provinceName } from './console-labels.ts';
import { schemaFields, type FieldRow } from './catalogue-fields.ts';
import {
  coded,
  DEPARTMENT_ZH,
  LEVEL_ZH,
  MODE_ZH,
  promisedTime,
  SCOPE_ZH,
  SUBJECT_ZH,
} from './catalogue-labels.ts';
import { creationKeyField, filterSelect, postForm, queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { shownTime } from './console-time.ts';

const ITEM_CODE = /^[A-Z]{2}-[0-9]{3}$/;

interface ListFilter {
  q: string;
  department: string;
  subject: string;
  mode: string;
  level: string;
  province: string;
}

function filterOf(query: unknown): ListFilter {
  return {
    q: queryText(query, 'q', 100),
    department: queryText(query, 'department', 4),
    subject: queryText(query, 'subject', 20),
    mode: queryText(query, 'mode', 20),
    level: queryText(query, 'level', 20),
    province: queryText(query, 'province', 4),
  };
}

export function matches(item: CatalogueItem, f: ListFilter): boolean {
  const q = f.q.toLowerCase();
  return (
    (!q || item.code.toLowerCase().includes(q) || item.name.toLowerCase().includes(q)) &&
    (!f.department || item.department === f.department) &&
    (!f.subject || item.subject === f.subject) &&
    (!f.mode || (item.modes as readonly string[]).includes(f.mode)) &&
    (!f.level || item.level === f.level) &&
    (!f.province || item.enabledProvinces.includes(f.province))
  );
}

function select<T extends string>(
  name: string,
  zh: string,
  en: string,
  chosen: string,
  values: readonly T[],
  named: (code: T) => string,
): HtmlValue {
  return filterSelect({ id: `filter-${name}`, name, zh, en, chosen, values, named });
}

function filterForm(f: ListFilter): HtmlValue {
  return html`<form
    method="get"
    action="/console/catalogue"
    class="card filters"
    id="catalogue-filters"
  >
    <div>
      <label for="filter-q">搜索 <span class="en">Code or name</span></label>
      <input id="filter-q" name="q" value="${f.q}" maxlength="100" placeholder="SW-005 / 缴税" />
    </div>
    ${select('department', '部门', 'Department', f.department, DEPARTMENTS, (c) => DEPARTMENT_ZH[c] ?? c)}
    ${select('subject', '服务对象', 'Subject', f.subject, SUBJECTS, (c) => SUBJECT_ZH[c] ?? c)}
    ${select('mode', '办理方式', 'Mode', f.mode, MODES, (c) => MODE_ZH[c] ?? c)}
    ${select('level', '层级', 'Level', f.level, LEVELS, (c) => LEVEL_ZH[c] ?? c)}
    ${select('province', '开通省份', 'Enabled in', f.province, MEMBER_PROVINCES, provinceName)}
    <button type="submit" class="primary" id="catalogue-search">
      筛选 <span class="en">Filter</span>
    </button>
  </form>`;
}

function itemRow(item: CatalogueItem): HtmlValue {
  return html`<tr data-item="${item.code}">
    <td>
      <a href="/console/catalogue/items/${item.code}"><code>${item.code}</code></a>
    </td>
    <td>
      ${item.name}
      ${item.disabledNotice !== undefined ? html` <span class="badge bad">已停用 <span class="en">disabled</span></span>` : ''}
    </td>
    <td data-label="部门 Department">${coded(DEPARTMENT_ZH, item.department)}</td>
    <td data-label="服务对象 Subject">${coded(SUBJECT_ZH, item.subject)}</td>
    <td data-label="办理方式 Modes">
      ${item.modes.map((m) => html`<span class="badge">${coded(MODE_ZH, m)}</span> `)}
    </td>
    <td data-label="层级 Level">${coded(LEVEL_ZH, item.level)}</td>
    <td data-label="承诺时限 Promised">${promisedTime(item.promisedDays)}</td>
    <td class="num" data-label="版本 Version">v${item.version}</td>
    <td class="across" data-label="开通省份 Enabled in">
      ${item.enabledProvinces.map((p) => provinceName(p)).join('、')}
    </td>
  </tr>`;
}

function listBody(registry: SchemaRegistry, f: ListFilter, res: Response): HtmlValue {
  const all = registry.items();
  const shown = all.filter((i) => matches(i, f));
  return html`${filterForm(f)}
    <p class="muted" id="catalogue-count">
      目录修订号 <span class="en">Revision</span>
      <code id="catalogue-revision">${registry.revision}</code> · 显示
      <span id="catalogue-shown">${shown.length}</span> / ${all.length} 项
      <span class="en">items</span>
      ${can(res, 'catalogue:edit') ? html` · <a href="/console/catalogue/drafts" id="drafts-link">草稿 <span class="en">Drafts</span></a>` : ''}
      ${can(res, 'catalogue:approve') ? html` · <a href="/console/catalogue/review" id="review-link">待审核 <span class="en">Review queue</span></a>` : ''}
      · <a href="/console/catalogue/calendars">工作日历 <span class="en">Calendars</span></a>
    </p>
    <div class="card table-wrap">
      <table id="catalogue-items" class="stacked">
        <thead>
          <tr>
            <th>编码 <span class="en">Code</span></th>
            <th>事项名称 <span class="en">Name</span></th>
            <th>部门 <span class="en">Department</span></th>
            <th>服务对象 <span class="en">Subject</span></th>
            <th>办理方式 <span class="en">Modes</span></th>
            <th>层级 <span class="en">Level</span></th>
            <th>承诺时限 <span class="en">Promised</span></th>
            <th class="num">版本 <span class="en">Version</span></th>
            <th>开通省份 <span class="en">Enabled in</span></th>
          </tr>
        </thead>
        <tbody>
          ${
            shown.length
              ? shown.map(itemRow)
              : html`<tr>
                  <td colspan="9" class="muted">
                    没有符合条件的事项 <span class="en">No matching item</span>
                  </td>
                </tr>`
          }
        </tbody>
      </table>
    </div>`;
}

function json(value: unknown, id?: string): HtmlValue {
  return html`<pre class="json" ${id ? html`id="${id}"` : ''}>
${JSON.stringify(value, null, 2)}</pre>`;
}

function fieldTable(rows: readonly FieldRow[]): HtmlValue {
  return html`<div class="table-wrap">
    <table id="schema-fields" class="fields stacked">
      <thead>
        <tr>
          <th>字段 <span class="en">JSON pointer</span></th>
          <th>名称 <span class="en">Title</span></th>
          <th>类型 <span class="en">Type</span></th>
          <th>必填 <span class="en">Required</span></th>
          <th>个人信息 <span class="en">x-personal</span></th>
          <th>区划表 <span class="en">Division table</span></th>
          <th>约束 <span class="en">Constraints</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr data-pointer="${r.pointer}">
              <td class="pointer across"><code>${r.pointer}</code></td>
              <td>${r.title}${r.ref ? html` <span class="muted">(${r.ref})</span>` : ''}</td>
              <td data-label="类型 Type"><code>${r.type}</code></td>
              <td>
                ${r.required ? html`<span class="badge ok">必填 <span class="en">required</span></span>` : html`<span class="muted">选填 <span class="en">optional</span></span>`}
                ${r.conditional ? html`<span class="badge">条件 <span class="en">conditional</span></span>` : ''}
              </td>

              <td data-label="个人信息 x-personal">
                ${r.personal ? html`<span class="badge warn">${r.personal}</span>` : ''}
              </td>
              <td data-label="区划表 Division">${r.division ?? ''}</td>
              <td class="constraints across" data-label="约束 Constraints">
                ${r.constraints.map((c) => html`<code>${c}</code> `)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Who published a version, when and from which draft (the catalogue store's history). */
type Publication = Pick<VersionView, 'publishedAt' | 'publishedBy' | 'draftId'>;

/**
 * Each version's publication, for the versions table: an operator asking who changed an item and
 * who approved it found it only through the CLI's audit list. Nothing when the store has no
 * history of the item (a gateway serving config files, not the catalogue in Redis).
 */
async function publications(deps: ConsoleDeps, res: Response, code: string) {
  const byVersion = new Map<number, Publication>();
  try {
    for (const v of await deps.services.catalogueAdmin.listVersions(operatorRequest(res), code))
      byVersion.set(v.version, v);
  } catch (error) {
    if (!isGatewayError(error) || error.code !== 'GW_ITEM_NOT_FOUND') throw error;
  }
  return byVersion;
}

function publicationCell(p: Publication | undefined): HtmlValue {
  if (!p?.publishedAt) return html`<span class="muted">—</span>`;
  return html`${shownTime(p.publishedAt)} · ${p.publishedBy ?? '—'}
  ${p.draftId ? html` · <a href="/console/catalogue/drafts/${p.draftId}" data-draft="${p.draftId}">草稿 <span class="en">draft</span></a>` : ''}`;
}

function versionsTable(
  registry: SchemaRegistry,
  code: string,
  shown: number,
  now: Date,
  published: ReadonlyMap<number, Publication>,
): HtmlValue {
  const versions = registry.versions(code);
  const latest = versions.at(-1)?.version;
  return html`<div class="table-wrap">
    <table id="item-versions" class="stacked">
      <thead>
        <tr>
          <th>版本 <span class="en">Version</span></th>
          <th>状态 <span class="en">Status</span></th>
          <th>停止受理 <span class="en">Sunset at</span></th>
          <th>发布 <span class="en">Published (by, draft)</span></th>
        </tr>
      </thead>
      <tbody>
        ${versions.map((v) => {
          const sunset = registry.sunsetOf(code, v.version);
          const retired = sunset !== undefined && Date.parse(sunset) <= now.getTime();
          const status =
            v.version === latest
              ? html`<span class="badge ok">最新 <span class="en">latest</span></span>`
              : retired
                ? html`<span class="badge bad">已停止 <span class="en">retired</span></span>`
                : html`<span class="badge">仍受理 <span class="en">accepted</span></span>`;
          return html`<tr data-version="${v.version}">
            <td>
              ${
                v.version === shown
                  ? html`<strong>v${v.version}</strong>`
                  : html`<a href="/console/catalogue/items/${code}?version=${v.version}"
                      >v${v.version}</a
                    >`
              }
            </td>
            <td>${status}</td>
            <td data-label="停止受理 Sunset">${shownTime(sunset)}</td>
            <td class="published across" data-label="发布 Published">
              ${publicationCell(published.get(v.version))}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

function metadataFacts(item: CatalogueItem): HtmlValue {
  return html`<dl class="facts" id="item-metadata">
    <dt>编码 <span class="en">Code</span></dt>
    <dd><code>${item.code}</code> v${item.version}</dd>
    <dt>名称 <span class="en">Name</span></dt>
    <dd>${item.name}</dd>
    <dt>部门 <span class="en">Department</span></dt>
    <dd>${coded(DEPARTMENT_ZH, item.department)}</dd>
    <dt>服务对象 <span class="en">Subject</span></dt>
    <dd>${coded(SUBJECT_ZH, item.subject)}</dd>
    <dt>办理方式 <span class="en">Modes</span></dt>
    <dd>${item.modes.map((m) => html`<span class="badge">${coded(MODE_ZH, m)}</span> `)}</dd>
    <dt>层级 <span class="en">Level</span></dt>
    <dd>${coded(LEVEL_ZH, item.level)}</dd>
    <dt>承诺时限 <span class="en">Promised days</span></dt>
    <dd id="item-promised">${promisedTime(item.promisedDays)}</dd>
    <dt>范围 <span class="en">Scope</span></dt>
    <dd>${coded(SCOPE_ZH, item.scope)}</dd>
    <dt>开通省份 <span class="en">Enabled in</span></dt>
    <dd>
      ${item.enabledProvinces.map((p) => html`<span class="badge">${provinceName(p)} ${p}</span> `)}
    </dd>
    ${
      item.provenance
        ? html`<dt>来源 <span class="en">Provenance</span></dt>
            <dd>${item.provenance}</dd>`
        : ''
    }
    ${
      item.disabledNotice !== undefined
        ? html`<dt>停用公告 <span class="en">Disabled</span></dt>
            <dd class="notice error">${item.disabledNotice}</dd>`
        : ''
    }
  </dl>`;
}

function examplesSection(registry: SchemaRegistry, code: string, version: number): HtmlValue {
  const examples = registry.examplesFor(code, version);
  const valid = examples?.valid ?? [];
  const invalid = examples?.invalid ?? [];
  return html`<section class="card" id="item-examples">
    <h2>${label('示例', 'Examples')}</h2>
    <h3>${label(`有效示例（${valid.length}）`, 'Valid')}</h3>
    ${valid.map(
      (e, i) =>
        html`<details class="example" data-example="valid-${i}">
          <summary>有效示例 ${i + 1} <span class="en">valid #${i + 1}</span></summary>
          ${json(e)}
        </details>`,
    )}
    <h3>${label(`无效示例（${invalid.length}）`, 'Invalid')}</h3>
    <div class="table-wrap">
      <table id="invalid-examples" class="stacked">
        <thead>
          <tr>
            <th>字段 <span class="en">Pointer</span></th>
            <th>规则 <span class="en">Keyword</span></th>
            <th>报文 <span class="en">Envelope</span></th>
          </tr>
        </thead>
        <tbody>
          ${invalid.map(
            (e, i) =>
              html`<tr>
                <td class="across"><code>${e.pointer}</code></td>
                <td data-label="规则 Keyword"><code>${e.keyword}</code></td>
                <td class="envelope across">
                  <details data-example="invalid-${i}">
                    <summary>查看 <span class="en">show</span></summary>
                    ${json(e.envelope)}
                  </details>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function itemBody(
  deps: ConsoleDeps,
  res: Response,
  item: CatalogueItem,
  published: ReadonlyMap<number, Publication>,
): HtmlValue {
  const registry = deps.services.registry;
  const schema = registry.schemaFor(item.code, item.version) ?? {};
  const definitions = registry.definitionsFor(item.code, item.version) ?? {};
  const rules = (schema as Record<string, unknown>).crossFieldRules;
  const latest = registry.item(item.code)!;
  const draftForm =
    can(res, 'catalogue:edit') && item.version === latest.version
      ? postForm(
          sessionOf(res),
          '/console/catalogue/drafts',
          html`<input type="hidden" name="itemCode" value="${item.code}" />
            ${creationKeyField()}
            <button type="submit" class="primary" id="draft-start">
              基于此版本起草修改 <span class="en">Draft a change from this version</span>
            </button>`,
          { id: 'draft-start-form', className: 'actions' },
        )
      : '';
  return html`<p class="muted">
      <a href="/console/catalogue">← 目录 <span class="en">Catalogue</span></a>
      ${
        item.version !== latest.version
          ? html` ·
              <span class="badge warn"
                >正在查看旧版本 v${item.version} <span class="en">an older version</span></span
              >`
          : ''
      }
    </p>
    ${draftForm}
    <div class="grid">
      <section class="card">
        <h2>${label('基本信息', 'Metadata')}</h2>
        ${metadataFacts(item)}
      </section>
      <section class="card">
        <h2>${label('版本', 'Versions')}</h2>
        ${versionsTable(registry, item.code, item.version, deps.services.now(), published)}
      </section>
    </div>
    <section class="card">
      <h2>${label('字段', 'Fields')}</h2>
      <p class="muted">
        <code>*</code> 表示数组中的任一元素
        <span class="en">stands for any element of an array</span>
      </p>
      ${fieldTable(schemaFields(schema, definitions))}
    </section>
    ${
      Array.isArray(rules) && rules.length > 0
        ? html`<section class="card" id="cross-field-rules">
            <h2>${label('跨字段规则', 'Cross-field rules')}</h2>
            ${json(rules)}
          </section>`
        : ''
    }
    <section class="card">
      <h2>${label('结构定义', 'Schema (JSON)')}</h2>
      <details id="schema-json">
        <summary>展开 <span class="en">Show</span></summary>
        ${json(schema)}
      </details>
      <details id="definitions-json">
        <summary>引用的共享定义 <span class="en">Shared definitions it uses</span></summary>
        ${json(definitions)}
      </details>
    </section>
    ${examplesSection(registry, item.code, item.version)}`;
}

export function cataloguePages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();

  router.get('/catalogue', (req, res) => {
    sendPage(
      res,
      page(res, {
        title: '目录',
        en: 'Catalogue',
        active: 'catalogue',
        body: listBody(deps.services.registry, filterOf(req.query), res),
      }),
    );
  });

  router.get('/catalogue/items/:code', async (req, res) => {
    const code = String(req.params.code);
    const versionText = queryText(req.query, 'version', 6);
    const version = /^[1-9][0-9]{0,4}$/.test(versionText) ? Number(versionText) : undefined;
    const item = ITEM_CODE.test(code) ? deps.services.registry.item(code, version) : undefined;
    if (!item)
      throw new ConsoleError(
        404,
        `没有事项 ${code.slice(0, 20)}${version ? ` v${version}` : ''}`,
        `No item ${code.slice(0, 20)}`,
      );
    sendPage(
      res,
      page(res, {
        title: `${item.code} ${item.name}`,
        en: 'Catalogue item',
        active: 'catalogue',
        body: itemBody(deps, res, item, await publications(deps, res, item.code)),
      }),
    );
  });
  return router;
}
