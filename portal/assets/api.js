// JSON calls from the portal's pages to the portal's own server (never to the gateway: the
// gateway's secret stays on the server). State-changing calls echo the session's CSRF token,
// which the page carries in <meta name="csrf-token">.

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** The login page's address, coming back to this page once logged in (portal/server/login-return.ts). */
export function loginUrl() {
  const here = window.location.pathname + window.location.search;
  return `/login?next=${encodeURIComponent(here)}`;
}

/** The login page, coming back to this page once logged in. */
export function loginAgain() {
  window.location.assign(loginUrl());
}

/**
 * { status, body } of a call; a network failure is status 0. A 401 (the session ended) goes to the
 * login page, unless `keepPage`: the caller has something to keep first (the payment form's typed
 * values, pay.js).
 */
export async function api(path, { method = 'GET', body, keepPage = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
  try {
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { title: text };
    }
    if (res.status === 401 && !keepPage) loginAgain();
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: { title: '网络连接失败，请检查网络后重试' } };
  }
}

let labels;
/** The Chinese names of codes (portal/assets/labels.json), fetched once. */
export async function loadLabels() {
  labels ??= fetch('/assets/labels.json').then((r) => r.json());
  return labels;
}

export function label(all, group, code) {
  return all?.[group]?.[String(code)] ?? String(code ?? '');
}
