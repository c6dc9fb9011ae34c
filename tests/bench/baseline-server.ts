// Child process: the intake baseline, a bare express 5 app with express.json() that answers 202 to
// POST /v1/cases (same Node, same body, same signed requests; it ignores the signature). It also
// checks what the load generator sends: every X-Gw-Nonce and Idempotency-Key must be new (a Set
// insert per request, well under a microsecond), and the bench reports any repeat as a failure.
import express from 'express';
import { runChild, serveApp } from './ipc.ts';

await runChild(async () => {
  const nonces = new Set<string>();
  const keys = new Set<string>();
  let requests = 0;
  let repeatedNonces = 0;
  let repeatedKeys = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: 256 * 1024 }));
  app.post('/v1/cases', (req, res) => {
    requests++;
    const nonce = req.get('x-gw-nonce') ?? '';
    const key = req.get('idempotency-key') ?? '';
    if (nonces.has(nonce)) repeatedNonces++;
    else nonces.add(nonce);
    if (keys.has(key)) repeatedKeys++;
    else keys.add(key);
    res.status(202).json({ caseId: '01KBENCHBASELINE000000000', status: 'ROUTED' });
  });

  await serveApp(app, {
    answers: { stats: () => ({ requests, repeatedNonces, repeatedKeys }) },
  });
});
