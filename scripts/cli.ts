// Operator command line: `npm run cli -- <command>` (README.md#operator-cli). A client of the
// gateway's operator API, signed as an operator like any client: it never reaches Redis itself,
// so it works against any gateway, needs no Redis credentials, and the gateway audits every action
// under that operator. Beside a local `npm start` it needs no configuration. The one exception is
// `data-keys … --portal`: the reference portal has no operator API, so that walk opens the
// portal's own Redis with the portal's settings (cli/portal-data-keys.ts). A failure is one line
// on stderr and exit code 1 (command-failure.ts); `audit verify` exits 2 on a broken chain.
//   npm run cli -- dead-letters list
//   npm run cli -- dead-letters replay <caseId> [--operator operator-dev-2]
//   npm run cli -- failed-callbacks list | replay <id> | replay --all
//   npm run cli -- audit verify
//   npm run cli -- catalogue list | show | diff | drafts | draft | validate | submit | approve | reject
//   npm run cli -- catalogue export | import [--dry-run]
//   npm run cli -- calendar recount <year> [--wait]
//   npm run cli -- data-keys census | reseal [--portal]
//   npm run cli -- smoke [--client <id>]   (GW_CLI_CLIENT_SECRET)
// Node's module compile cache is turned on first (gateway/shared/compile-cache.ts): every other
// module is imported after that line.
import { enableModuleCompileCache } from '../gateway/shared/compile-cache.ts';

enableModuleCompileCache();
const { cliProgram } = await import('./cli/program.ts');
const { runCommand } = await import('./command-failure.ts');

await runCommand(async () => {
  await cliProgram().parseAsync();
});
