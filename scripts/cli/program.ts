// The operator CLI's commands (README.md#operator-cli). Every command is a client of the gateway's
// operator API (operator-api.ts): `connect(command)` gives it the API signed as the operator the
// global options name; `data-keys … --portal` alone reads the portal's settings from `env`, and
// `smoke` signs as any client the deployment lists, its secret from `env` only. A group of
// commands is a function adding itself to the program, so a new group (catalogue …) is one more
// file and one more line below.
import { Command } from 'commander';
import { addAuditCommands } from './audit-commands.ts';
import { addCalendarCommands } from './calendar-commands.ts';
import { addCatalogueCommands } from './catalogue-commands.ts';
import { addClientCommands } from './client-commands.ts';
import { addDataKeyCommands } from './data-key-commands.ts';
import { addDeadLetterCommands } from './dead-letter-commands.ts';
import { addFailedCallbackCommands } from './failed-callback-commands.ts';
import { addSmokeCommand } from './smoke-commands.ts';
import {
  DEFAULT_GATEWAY,
  DEFAULT_OPERATOR,
  operatorApi,
  resolveOperatorOptions,
  type ConnectOperator,
  type OperatorApiFlags,
} from './operator-api.ts';

export function cliProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('swgw')
    .description('跨省通办 gateway operator commands, through the gateway’s operator API')
    .option(
      '--gateway <url>',
      `the gateway (GW_CLI_GATEWAY; default ${DEFAULT_GATEWAY} outside production)`,
    )
    .option(
      '--operator <id>',
      `the operator client acting (GW_CLI_OPERATOR; default ${DEFAULT_OPERATOR} outside production)`,
    )
    .option(
      '--secret <secret>',
      "the operator's secret (prefer GW_CLI_SECRET; default: the development file's outside production)",
    );
  const connect: ConnectOperator = (command) =>
    operatorApi(resolveOperatorOptions(command.optsWithGlobals<OperatorApiFlags>(), env));
  addDeadLetterCommands(program, connect);
  addFailedCallbackCommands(program, connect);
  addAuditCommands(program, connect);
  addClientCommands(program, connect);
  addCatalogueCommands(program, connect);
  addCalendarCommands(program, connect);
  addDataKeyCommands(program, connect, env);
  addSmokeCommand(program, env);
  return program;
}
