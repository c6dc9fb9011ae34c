// 接入客户端 (clients) in the console (gateway/console/README.md#pages): the clients this gateway's
// clients file registers, as GET /v1/admin/clients lists them (listClients: never a secret, a
// hash or the variable naming one), and above them each secret rotation under way — when any
// gateway last accepted the old and the new secret, and whether step 4 of
// README.md#rotating-a-clients-secret may go ahead (rotation-progress.ts), so an operator no
// longer reads every gateway process's /metrics. Every operator reads it, as the API's list.
import type { Router } from 'express';
import { listClients, type ListedClient } from '../admin/client-listing.ts';
import {
  QUIET_MINUTES,
  minutesSince,
  rotationProgress,
  type RotationProgress,
} from '../admin/rotation-progress.ts';
import type { SecretUse } from '../auth/secret-use.ts';
import { gatewayRouter } from '../http/router.ts';
import type { ConsoleDeps } from './console-context.ts';
import { provinceName, RIGHT_LABELS } from './console-labels.ts';
import { shownTime } from './console-time.ts';
import { html, type SafeHtml } from './html.ts';
import { label, page, sendPage } from './layout.ts';

const KIND_ZH: Readonly<Record<string, string>> = {
  portal: '门户',
  province: '省级平台',
  operator: '运维人员',
};

/** How long ago, as a person says it: 不到 1 分钟前 rather than 0 分钟前. */
function ago(minutes: number): SafeHtml {
  return minutes === 0
    ? html`不到 1 分钟前 <span class="en">under a minute ago</span>`
    : html`${minutes} 分钟前 <span class="en">${minutes} min ago</span>`;
}

function lastUse(use: SecretUse | null, now: Date, which: 'previous' | 'current'): SafeHtml {
  if (use === null)
    return html`<span class="muted" data-use="${which}" data-at=""
      >未记录 <span class="en">none recorded</span></span
    >`;
  return html`<span data-use="${which}" data-at="${use.at}"
    >${shownTime(use.at)} · ${ago(minutesSince(use.at, now))} · <code>${use.gateway}</code></span
  >`;
}

function progressNotice(p: RotationProgress): SafeHtml {
  switch (p.state) {
    case 'none':
      return html``;
    case 'dropped':
      return html`<p class="notice ok" data-progress="dropped">
        本网关已不再接受旧密钥（第 4 步已在本网关完成）
        <span class="en">This gateway no longer accepts the old secret (step 4 done here)</span>
      </p>`;
    case 'old-in-use':
      return html`<p class="notice warn" data-progress="old-in-use">
        旧密钥${p.minutes === 0 ? '不到 1 分钟前' : ` ${p.minutes} 分钟前`}仍被使用：请等待客户端完成第
        2 步，旧密钥连续 ${QUIET_MINUTES} 分钟未被使用后再执行第 4 步
        <span class="en"
          >The old secret was used ${p.minutes === 0 ? 'under a minute' : `${p.minutes} min`} ago:
          wait until it has gone unused for ${QUIET_MINUTES} min before step 4</span
        >
      </p>`;
    case 'new-unused':
      return html`<p class="notice warn" data-progress="new-unused">
        旧密钥最后一次使用之后新密钥尚未被使用：客户端可能还未切换到新密钥（第 2 步）
        <span class="en"
          >The new secret has not been accepted since the old one last was: the client may not have
          switched (step 2)</span
        >
      </p>`;
    case 'ready':
      return html`<p class="notice ok" data-progress="ready">
        ${
          p.minutes === null
            ? html`旧密钥在记录期内未被使用`
            : html`旧密钥已 ${p.minutes} 分钟未被使用`
        }：可以执行第
        4 步（删除旧密钥）
        <span class="en"
          >The old secret has not been used${p.minutes === null ? '' : ` for ${p.minutes} min`}:
          step 4 (drop it) may go ahead</span
        >
      </p>`;
  }
}

function rotationCard(c: ListedClient, now: Date): SafeHtml {
  return html`<section class="card" data-rotation="${c.id}">
    <h3><code>${c.id}</code></h3>
    <dl class="facts">
      <dt>${label('旧密钥最后使用', 'Old secret last accepted')}</dt>
      <dd>${lastUse(c.rotation.previous, now, 'previous')}</dd>
      <dt>${label('新密钥最后使用', 'New secret last accepted')}</dt>
      <dd>${lastUse(c.rotation.current, now, 'current')}</dd>
    </dl>
    ${progressNotice(rotationProgress(c.rotation, now))}
  </section>`;
}

function clientRow(c: ListedClient): SafeHtml {
  const rights =
    c.rights === undefined
      ? '—'
      : c.rights.length === 0
        ? html`只读 <span class="en">read only</span>`
        : html`${c.rights.map((r) => {
            const [zh] = RIGHT_LABELS[r] ?? [r];
            return html`<span class="badge" data-right="${r}" title="${zh}">${r}</span> `;
          })}`;
  return html`<tr data-client="${c.id}">
    <td data-label="客户端 Client" class="across"><code>${c.id}</code></td>
    <td data-label="类型 Kind">${KIND_ZH[c.kind] ?? c.kind} <span class="en">${c.kind}</span></td>
    <td data-label="省份 Province">
      ${c.province === undefined ? '—' : html`${provinceName(c.province)} ${c.province}`}
      ${c.adapter === undefined ? '' : html` · <code>${c.adapter}</code>`}
    </td>
    <td data-label="签名方法 Signature">${c.signatureMethods.join(' ')}</td>
    <td data-label="限流 Rate" class="num">
      ${c.ratePerSecond}/s${
        c.rateFrom === 'default' ? html` <span class="en">(默认 default)</span>` : ''
      }
    </td>
    <td data-label="权限 Rights">${rights}</td>
    <td data-label="密钥轮换 Rotation">
      ${
        c.rotation.previousSecret
          ? html`<span class="badge warn" data-previous-secret
              >新旧密钥并行 <span class="en">two secrets</span></span
            >`
          : '—'
      }
    </td>
  </tr>`;
}

export function clientPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { services } = deps;

  router.get('/clients', async (_req, res) => {
    const listing = await listClients({
      clients: services.clients,
      secretUse: services.secretUse,
      rateLimitPerSecond: services.config.rateLimitPerSecond,
    });
    const now = services.now();
    const rotating = listing.items.filter(
      (c) => rotationProgress(c.rotation, now).state !== 'none',
    );
    sendPage(
      res,
      page(res, {
        title: '接入客户端',
        en: 'Clients',
        active: 'clients',
        body: html`<p class="muted">
            本网关（<code>${listing.gateway}</code>）客户端文件中登记的客户端；每个网关按自己的客户端文件回答，滚动重启期间各网关可能不同。从不显示密钥。
            <span class="en"
              >The clients this gateway's clients file registers; each gateway answers from its own
              file, so during a rolling restart two may differ. Secrets are never shown.</span
            >
          </p>
          <section class="card" id="rotations">
            <h2>${label('密钥轮换', 'Secret rotations')}</h2>
            <p class="muted">
              任一网关最后一次接受各密钥的时间；每个网关进程至多每 ${listing.recordedEverySeconds}
              秒记录一次（实际最后使用可能晚几秒），保留 ${listing.keptDays} 天。旧密钥连续
              ${QUIET_MINUTES} 分钟未被使用、且新密钥已在其后使用，即可执行第 4 步。
              <span class="en"
                >When any gateway last accepted each secret, recorded at most every
                ${listing.recordedEverySeconds} s per process, kept ${listing.keptDays} days. Step 4
                once the old secret has gone unused for ${QUIET_MINUTES} min and the new one was
                accepted since.</span
              >
            </p>
            ${
              rotating.length
                ? rotating.map((c) => rotationCard(c, now))
                : html`<p id="no-rotation">
                    ${label('没有正在轮换密钥的客户端', 'No client is rotating its secret')}
                  </p>`
            }
          </section>
          <div class="table-wrap">
            <table id="clients" class="stacked">
              <caption>
                ${label('客户端', 'Clients')} (${listing.items.length})
              </caption>
              <thead>
                <tr>
                  <th scope="col">客户端 <span class="en">Client</span></th>
                  <th scope="col">类型 <span class="en">Kind</span></th>
                  <th scope="col">省份 <span class="en">Province</span></th>
                  <th scope="col">签名方法 <span class="en">Signature</span></th>
                  <th scope="col">限流 <span class="en">Rate</span></th>
                  <th scope="col">权限 <span class="en">Rights</span></th>
                  <th scope="col">密钥轮换 <span class="en">Rotation</span></th>
                </tr>
              </thead>
              <tbody>
                ${listing.items.map(clientRow)}
              </tbody>
            </table>
          </div>`,
      }),
    );
  });
  return router;
}
