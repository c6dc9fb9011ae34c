// Child process: the plain service (plain-server.ts) with the three duties its comparison leaves out
// and no gateway may drop — the baseline the issue 17 closing notes asked to be measured against
// ("one that signs, seals and de-duplicates"), written as a provincial team would add them to the
// plain service, with nothing of ours but the contract's signature functions:
// - signed: the client's HMAC over the request checked, with the same string to sign and headers
//   (README.md#clients-and-signing-every-v1-call), the timestamp within the skew, and the nonce used
//   once (SET NX EX);
// - sealed: the payload kept encrypted at rest (AES-256-GCM of its JSON, bound to the case id; no
//   compression);
// - de-duplicated: the Idempotency-Key recorded with SET NX, and a repeat answered with the first
//   case id instead of a second job.
// The nonce and the key go out in one pipelined round trip, queue.add() is the second: two round
// trips, as the gateway's. Still not done here, and done by the gateway: identifier checks (ID
// number, credit code, division), cross-field rules, routing, rate limits, history, 督办, the
// outbox, metrics and per-request logs (README.md#issue-17s-figures says what each costs).
import { Queue } from 'bullmq';
import express from 'express';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Redis } from 'ioredis';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import {
  bodyDigest,
  isSignatureMethod,
  sign,
  signaturesEqual,
  stringToSign,
} from '../../gateway/client/signing.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { BENCH_ITEM } from './bench-case.ts';
import { runChild, serveApp } from './ipc.ts';

const SKEW_SECONDS = 300;
const NONCE_TTL_SECONDS = 600;
const IDEMPOTENCY_TTL_SECONDS = 86_400;

const schema = (...path: string[]) =>
  JSON.parse(readFileSync(projectPath('schemas', ...path), 'utf8')) as Record<string, unknown>;

type WithRaw = IncomingMessage & { rawBody?: Buffer };

await runChild(async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is CommonJS: its default export arrives wrapped under ESM.
  const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  ajv.addSchema(schema('defs.schema.json'));
  const validEnvelope = ajv.compile(schema('envelope.schema.json'));
  const validPayload = ajv.compile(schema('items', `${BENCH_ITEM}.schema.json`));

  const secrets = new Map(
    (
      JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
        id: string;
        secret: string;
      }[]
    ).map((c) => [c.id, c.secret]),
  );
  const dataKey = randomBytes(32);

  const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
  const queue = new Queue('duties-cases', { connection, prefix: 'bench-duties' });
  let accepted = 0;
  let repeated = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(
    express.json({
      limit: 256 * 1024,
      verify: (req, _res, buf) => {
        (req as WithRaw).rawBody = buf;
      },
    }),
  );
  app.post('/v1/cases', async (req, res) => {
    const client = req.get('x-gw-client') ?? '';
    const timestamp = req.get('x-gw-timestamp') ?? '';
    const nonce = req.get('x-gw-nonce') ?? '';
    const method = req.get('x-gw-signature-method');
    const secret = secrets.get(client);
    if (
      !secret ||
      !isSignatureMethod(method) ||
      !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) ||
      Math.abs(Date.now() / 1000 - Number(timestamp)) > SKEW_SECONDS
    ) {
      res.status(401).json({ error: 'unauthenticated' });
      return;
    }
    const text = stringToSign({
      method: req.method,
      path: req.path,
      rawQuery: '',
      timestamp,
      nonce,
      bodyDigestHex: bodyDigest(method, (req as WithRaw).rawBody ?? ''),
    });
    if (!signaturesEqual(sign(method, secret, text), req.get('x-gw-signature') ?? '')) {
      res.status(401).json({ error: 'bad signature' });
      return;
    }
    const body = req.body as { payload?: unknown };
    if (!validEnvelope(body) || !validPayload(body.payload)) {
      res.status(422).json({ errors: validEnvelope.errors ?? validPayload.errors });
      return;
    }
    const key = req.get('idempotency-key') ?? '';
    let caseId: string = randomUUID();
    const [[, fresh], [, first]] = (await connection
      .pipeline()
      .set(`bench-duties:nonce:${client}:${nonce}`, '1', 'EX', NONCE_TTL_SECONDS, 'NX')
      .set(`bench-duties:idem:${client}:${key}`, caseId, 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX', 'GET')
      .exec()) as [[Error | null, unknown], [Error | null, unknown]];
    if (fresh !== 'OK') {
      res.status(401).json({ error: 'nonce used' });
      return;
    }
    if (typeof first === 'string') {
      repeated++;
      caseId = first;
      res.status(200).json({ caseId, status: 'QUEUED' });
      return;
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(caseId, 'utf8'));
    const sealed = Buffer.concat([
      cipher.update(JSON.stringify(body.payload), 'utf8'),
      cipher.final(),
    ]);
    const sealedPayload = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    await queue.add(
      'case',
      { ...body, payload: undefined, sealedPayload },
      { jobId: caseId, removeOnComplete: true },
    );
    accepted++;
    res.status(202).json({ caseId, status: 'QUEUED' });
  });

  await serveApp(app, {
    answers: { stats: () => ({ accepted, repeated }) },
    stop: async () => {
      await queue.close();
      connection.disconnect();
    },
  });
});
