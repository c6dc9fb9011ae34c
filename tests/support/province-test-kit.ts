// Shared fixtures of the adapter tests: a delivery whose applicant name carries XML and form
// special characters, an AdapterContext whose log lines are kept (to prove no personal data is
// logged), a stand-in for the gateway's events endpoint that verifies each post's signature with
// gateway/client/signing.ts, and a deadline poll (tests never sleep a fixed time).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { AdapterContext, DeliveryRequest } from '../../adapters/kit/contract.ts';
import { bodyDigest, sign, signaturesEqual, stringToSign } from '../../gateway/client/signing.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';

/** A development client's secret from config/clients.dev.json. */
export function devClientSecret(id: string): string {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  const client = clients.find((c) => c.id === id);
  if (!client) throw new Error(`no dev client ${id}`);
  return client.secret;
}

export const PERSONAL = {
  name: '张三 & <李四> "O\'Neil"',
  idNumber: '53032319900101123X',
  phone: '13812345678',
};

export function sampleDelivery(overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return {
    caseId: `01JCASE${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    itemCode: 'RS-006',
    itemVersion: 1,
    itemName: '社会保险关系转移 & 接续',
    mode: 'online',
    receivingRegion: '510104',
    targetRegion: '530323',
    level: 'county',
    applicant: { type: 'person', ...PERSONAL },
    payload: { reason: '工作调动 <跨省> & 转入', months: 36, nested: { a: [1, '0012'] } },
    materials: [
      {
        name: '身份证明.pdf',
        mediaType: 'application/pdf',
        size: 1024,
        sha256: 'ab'.repeat(32),
        uri: 'https://files.example/a?x=1&y=2',
      },
    ],
    submittedAt: '2026-11-25T08:00:00.000Z',
    ...overrides,
  };
}

export interface LoggedLine {
  level: string;
  obj: object;
  msg: string | undefined;
}

export function testContext(signal: AbortSignal = new AbortController().signal): {
  context: AdapterContext;
  lines: LoggedLine[];
} {
  const lines: LoggedLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  return {
    context: { signal, log: { info: at('info'), warn: at('warn'), debug: at('debug') } },
    lines,
  };
}

/** True when no logged line contains any personal value of PERSONAL. */
export function logsArePersonalDataFree(lines: LoggedLine[]): boolean {
  const text = JSON.stringify(lines);
  return (
    !text.includes('张三') && !text.includes(PERSONAL.idNumber) && !text.includes(PERSONAL.phone)
  );
}

export interface SinkEvent {
  caseId: string;
  clientId: string;
  body: { type: string; note?: string; provinceCaseNo?: string; result?: unknown };
}

/** A stand-in for POST /v1/cases/{id}/events that keeps the posts whose signature verifies. */
export async function startEventSink(clientId: string) {
  const secret = devClientSecret(clientId);
  const events: SinkEvent[] = [];
  let rejected = 0;
  let failNext = 0;
  let failed = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const [path = '', rawQuery = ''] = (req.url ?? '').split(/\?(.*)/s);
      const expected = sign(
        'HMAC-SHA256',
        secret,
        stringToSign({
          method: req.method ?? '',
          path,
          rawQuery,
          timestamp: String(req.headers['x-gw-timestamp']),
          nonce: String(req.headers['x-gw-nonce']),
          bodyDigestHex: bodyDigest('HMAC-SHA256', body),
        }),
      );
      const given = String(req.headers['x-gw-signature'] ?? '');
      const match = /^\/v1\/cases\/([^/]+)\/events$/.exec(path);
      if (req.headers['x-gw-client'] !== clientId || !signaturesEqual(expected, given) || !match) {
        rejected += 1;
        res.writeHead(401).end();
        return;
      }
      if (failNext > 0) {
        failNext -= 1;
        failed += 1;
        res.writeHead(503).end();
        return;
      }
      const caseId = decodeURIComponent(match[1] ?? '');
      events.push({
        caseId,
        clientId,
        body: JSON.parse(body.toString('utf8')) as SinkEvent['body'],
      });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secret,
    events,
    rejected: () => rejected,
    /** The next n valid posts are answered 503 (the sandbox must retry them). */
    failNext: (n: number) => {
      failNext = n;
    },
    /** How many valid posts were answered 503 by failNext. */
    failed: () => failed,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Polls until check() returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
