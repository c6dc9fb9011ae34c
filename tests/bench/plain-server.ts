// Child process: the plain-service baseline (issue 17) — what a provincial team would write instead
// of the gateway: express 5 with express.json(), an ajv validator for the item (the published
// envelope and SW-005 payload schemas, compiled once at start), BullMQ `queue.add()` of the body,
// 202. Same Node, same Redis, same signed requests (it ignores the signature, the nonce, rate
// limits, idempotency, routing, history, 督办 and encryption the gateway does).
import { Queue } from 'bullmq';
import express from 'express';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { BENCH_ITEM } from './bench-case.ts';
import { runChild, serveApp } from './ipc.ts';

const schema = (...path: string[]) =>
  JSON.parse(readFileSync(projectPath('schemas', ...path), 'utf8')) as Record<string, unknown>;

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

  const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
  const queue = new Queue('plain-cases', { connection, prefix: 'bench-plain' });
  let accepted = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: 256 * 1024 }));
  app.post('/v1/cases', async (req, res) => {
    const body = req.body as { payload?: unknown };
    if (!validEnvelope(body) || !validPayload(body.payload)) {
      res.status(422).json({ errors: validEnvelope.errors ?? validPayload.errors });
      return;
    }
    const caseId = randomUUID();
    await queue.add('case', body, { jobId: caseId, removeOnComplete: true });
    accepted++;
    res.status(202).json({ caseId, status: 'QUEUED' });
  });

  await serveApp(app, {
    answers: { stats: () => ({ accepted }) },
    stop: async () => {
      await queue.close();
      connection.disconnect();
    },
  });
});
