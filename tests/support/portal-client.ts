// A taxpayer's browser against the reference portal, without a browser (README.md#the-taxpayer-portal):
// log in (the form post), keep the session cookie and the page's CSRF token, call the portal's
// API with them, and build the flagship payment as the form sends it. The portal's URL is read at
// each call, so a test may restart the portal on a new port and keep the same cookie.
import { expect } from 'vitest';

export interface PortalSession {
  cookie: string;
  csrf: string;
}

export interface PortalClient {
  /** The raw login answer (303 with a cookie, 401, 429, …). */
  login: (account?: string, password?: string) => Promise<Response>;
  /** A logged-in session of this account. */
  session: (account?: string) => Promise<PortalSession>;
  /** GET, or POST with a JSON body, carrying the session's cookie and CSRF token. */
  call: (s: PortalSession | undefined, path: string, body?: unknown) => Promise<Response>;
  /** The flagship payment as the form sends it (the form's defaults plus one line). */
  paymentValues: (s: PortalSession) => Promise<Record<string, unknown>>;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export function portalClient(url: () => string): PortalClient {
  const login = (account = 'shudao', password = `${account}-2026`) =>
    fetch(`${url()}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url() },
      body: form({ login: account, password }),
      redirect: 'manual',
    });

  const call = (s: PortalSession | undefined, path: string, body?: unknown) =>
    fetch(`${url()}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(s ? { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } : {}),
        // As the portal's page sends it: a POST from elsewhere is refused (request-origin.ts).
        ...(body === undefined ? {} : { 'Content-Type': 'application/json', Origin: url() }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  return {
    login,
    call,
    session: async (account = 'shudao') => {
      const res = await login(account);
      expect(res.status).toBe(303);
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      const home = await (await fetch(`${url()}/`, { headers: { Cookie: cookie } })).text();
      const csrf = /name="csrf-token" content="([^"]+)"/.exec(home)![1]!;
      return { cookie, csrf };
    },
    paymentValues: async (s) => {
      const spec = (await (await call(s, '/api/forms/payment')).json()) as {
        values: Record<string, unknown>;
      };
      return {
        ...spec.values,
        lines: [
          {
            collectionItemCode: '10101',
            collectionSubitemCode: '101014001',
            taxPeriod: { start: '2026-09-01', end: '2026-09-30' },
            amount: '38400.00',
            taxAuthorityCode: '15303230000',
          },
        ],
        totalAmount: '38400.00',
      };
    },
  };
}
