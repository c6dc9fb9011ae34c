// The console's first page: who is signed in, with which rights, and the sections they may open.
import type { Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { operatorOf, type ConsoleDeps } from './console-context.ts';
import { CONSOLE_NAV } from './console-nav.ts';
import { html } from './html.ts';
import { label, page, sendPage } from './layout.ts';

const RIGHT_LABELS: Readonly<Record<string, [string, string]>> = {
  'catalogue:edit': ['编辑目录', 'edit the catalogue'],
  'catalogue:approve': ['审核目录', 'approve catalogue drafts'],
  replay: ['重放死信', 'replay dead letters'],
  unmask: ['查看个人信息', 'unmask personal data'],
  'audit:read': ['查看审计', 'read the audit log'],
  appeal: ['裁定申诉', 'decide appeals'],
  'data-keys': ['重新加密数据', 're-seal data under a new key'],
};

export function homePage(_deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  router.get('/', (_req, res) => {
    const operator = operatorOf(res);
    const rights = operator.rights.map((r) => {
      const [zh, en] = RIGHT_LABELS[r] ?? [r, r];
      return html`<li data-right="${r}">${label(zh, en)} <code>${r}</code></li>`;
    });
    const sections = CONSOLE_NAV.filter(
      (n) => n.key !== 'home' && (!n.right || operator.rights.includes(n.right)),
    ).map((n) => html`<li><a href="${n.href}">${label(n.zh, n.en)}</a></li>`);
    sendPage(
      res,
      page(res, {
        title: '概览',
        en: 'Overview',
        active: 'home',
        body: html`<section class="card">
            <h2>${label('当前账号', 'Signed in as')} <code>${operator.id}</code></h2>
            <h3>${label('权限', 'Rights')}</h3>
            <ul id="rights">
              ${rights.length ? rights : html`<li class="muted">只读 <span class="en">read only</span></li>`}
            </ul>
          </section>
          <section class="card">
            <h2>${label('功能', 'Sections')}</h2>
            <ul class="sections">
              ${sections}
            </ul>
          </section>`,
      }),
    );
  });
  return router;
}
