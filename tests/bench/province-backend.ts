// Child process: a minimal stand-in for 成都 天府蓉易办's application API, answering the way
// adapters/sc-chengdu/sc-chengdu-sandbox.ts does on its success paths: X-Api-Key checked (401),
// Idempotency-Key required (400), a new key is 201 { applicationNo, status, receivedAt } with a
// Location, a key seen before is 200 with the original answer and Idempotent-Replayed: true. No
// fault knobs, no event progression, no body validation beyond parsing: the dispatch bench
// measures the callers, so the province must cost as little as possible and the same for both.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  CHENGDU_API_KEY_HEADER,
  CHENGDU_APPLICATIONS_PATH,
} from '../../adapters/sc-chengdu/sc-chengdu-wire.ts';
import { runChild, serveParent } from './ipc.ts';

const API_KEY = process.env.BENCH_BACKEND_API_KEY ?? '';

interface Held {
  applicationNo: string;
  receivedAt: string;
}

await runChild(async () => {
  const held = new Map<string, Held>();
  let created = 0;
  let replayed = 0;
  let refused = 0;

  function reply(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    if (req.method !== 'POST' || req.url !== CHENGDU_APPLICATIONS_PATH) {
      refused++;
      return reply(res, 404, { code: 'not-found', status: 404 });
    }
    if (req.headers[CHENGDU_API_KEY_HEADER.toLowerCase()] !== API_KEY) {
      refused++;
      return reply(res, 401, { code: 'invalid-api-key', status: 401 });
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length < 8 || key.length > 128) {
      refused++;
      return reply(res, 400, { code: 'idempotency-key-required', status: 400 });
    }
    try {
      JSON.parse(raw);
    } catch {
      refused++;
      return reply(res, 422, { code: 'validation-failed', status: 422 });
    }
    const known = held.get(key);
    if (known) {
      replayed++;
      return reply(
        res,
        200,
        { ...known, status: 'RECEIVED' },
        {
          location: `${CHENGDU_APPLICATIONS_PATH}/${known.applicationNo}`,
          'idempotent-replayed': 'true',
        },
      );
    }
    created++;
    const record = {
      applicationNo: `CDRYB${String(created).padStart(10, '0')}`,
      receivedAt: new Date().toISOString(),
    };
    held.set(key, record);
    return reply(
      res,
      201,
      { ...record, status: 'RECEIVED' },
      {
        location: `${CHENGDU_APPLICATIONS_PATH}/${record.applicationNo}`,
      },
    );
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveParent(
    { port, url: `http://127.0.0.1:${port}` },
    {
      answers: { stats: () => ({ created, replayed, refused }) },
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    },
  );
});
