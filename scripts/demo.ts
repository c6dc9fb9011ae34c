// `npm run demo` (with `npm start` running): a 四川 company pays tax remotely for its project in
// 师宗县 530323 (schemas/README.md#remote-tax-payment). Submits the SW-005 example as portal-sc and
// prints every status change until the case is closed, each at its Beijing time (UTC+8): the time
// the portal and the console show and a Chinese operator reads (it printed UTC, eight hours behind).
// GW_URL points it at another gateway (default localhost:8080). A gateway that is not running, or
// cannot reach its Redis, is one line on stderr and exit code 1 (command-failure.ts).
import { readFileSync } from 'node:fs';
import { GatewayClient } from '../gateway/client/gateway-client.ts';
import { chinaTime } from '../gateway/shared/china-time.ts';
import { projectPath } from '../gateway/shared/project-root.ts';
import { CommandFailure, gatewayRefused, runCommand } from './command-failure.ts';

interface CaseView {
  status: string;
  phase: { key: string; zh: string };
  provinceCaseNo: string | null;
  result: unknown;
  history: { at: string; status: string; actor: string; note?: string }[];
}

const baseUrl = process.env.GW_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;
const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
  id: string;
  secret: string;
}[];
const portal = new GatewayClient(baseUrl, {
  clientId: 'portal-sc',
  secret: clients.find((c) => c.id === 'portal-sc')!.secret,
});
const example = (
  JSON.parse(readFileSync(projectPath('schemas/items/SW-005.examples.json'), 'utf8')) as {
    valid: unknown[];
  }
).valid[0];

async function demo(): Promise<number> {
  const submitted = await portal.submitCase<
    { caseId: string; route: unknown } & Record<string, unknown>
  >(example, `demo-${Date.now()}`);
  if (submitted.status !== 202) {
    throw new CommandFailure(gatewayRefused(baseUrl, submitted.status, submitted.body));
  }
  const { caseId } = submitted.body;
  console.log(`submitted SW-005 异地电子缴税 for 师宗县 530323 from portal-sc → case ${caseId}`);
  console.log(`route: ${JSON.stringify(submitted.body.route)}`);
  console.log('times in Beijing time (北京时间, UTC+8)');

  let seen = 0;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await portal.getCase<CaseView>(caseId);
    if (res.status !== 200) throw new CommandFailure(gatewayRefused(baseUrl, res.status, res.body));
    for (const entry of res.body.history.slice(seen)) {
      console.log(
        `${chinaTime(entry.at, { seconds: true })}  ${entry.status.padEnd(18)} by ${entry.actor}${entry.note ? ` — ${entry.note}` : ''}`,
      );
    }
    seen = res.body.history.length;
    if (['CLOSED', 'DELIVERY_FAILED'].includes(res.body.status)) {
      console.log(
        `final: ${res.body.status} (${res.body.phase.zh}), province case ${res.body.provinceCaseNo}, result ${JSON.stringify(res.body.result)}`,
      );
      return res.body.status === 'CLOSED' ? 0 : 1;
    }
    if (Date.now() > deadline) {
      throw new CommandFailure(
        `case ${caseId} did not close within 60 s: are the workers and sandboxes running (\`npm start\`)?`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

await runCommand(demo, { gatewayUrl: baseUrl });
