// `calendar recount <year> [--wait]`: POST /v1/admin/catalogue/calendars/{year}/recount — an
// operator's rerun of a year's due-date recount (gateway/README.md#calendar-recount), for when
// due dates are thought counted on a calendar they do not match (set by hand, a run that could
// not finish). It needs catalogue:approve (the right that publishes a calendar) and is audited
// under the operator (`calendar.recount.request`). A gateway runs it at its next look; --wait
// follows GET …/recount until it is done and prints what it did. A rerun changes only due dates
// that do not match the calendar in force.
import type { Command } from 'commander';
import type { RecountState } from '../../gateway/supervision/calendar-recount.ts';
import { CommandFailure } from '../command-failure.ts';
import type { ConnectOperator } from './operator-api.ts';

interface RecountOptions {
  wait?: boolean;
  timeout: string;
}

type Recount = Omit<RecountState, 'previous'>;

export function addCalendarCommands(program: Command, connect: ConnectOperator): void {
  const group = program.command('calendar').description('working-day calendars');

  group
    .command('recount')
    .description(
      'count every still-supervised due date of a calendar year again (needs catalogue:approve; audited); changes only those that do not match the calendar',
    )
    .argument('<year>', 'a published calendar year, e.g. 2027')
    .option('--wait', 'wait until a gateway has run it, and print what it did')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '120')
    .action(async (year: string, options: RecountOptions, command: Command) => {
      const api = connect(command);
      const path = `/v1/admin/catalogue/calendars/${encodeURIComponent(year)}/recount`;
      const asked = await api.post<{ outcome: 'requested' | 'pending'; recount: Recount }>(path);
      console.log(
        asked.outcome === 'pending'
          ? `${year}: a recount (${asked.recount.reason}) is already pending; left as it is`
          : `${year}: recount requested; a gateway runs it at its next look`,
      );
      if (!options.wait) return;
      const deadline = Date.now() + Number(options.timeout) * 1000;
      for (;;) {
        const { recount } = await api.get<{ recount: Recount }>(path);
        if (recount.state === 'done' && recount.doneAt! >= (asked.recount.requestedAt ?? '')) {
          console.log(
            `${year}: done (${recount.reason}) — ${recount.recounted ?? 0} due dates moved, ${recount.unmarked ?? 0} kept and no longer assumed, of ${recount.looked ?? 0} looked at`,
          );
          return;
        }
        if (Date.now() > deadline)
          throw new CommandFailure(
            `${year}: still pending after ${options.timeout} s (is a gateway running? it runs every GW_RECONCILE_INTERVAL_MS)`,
          );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    });
}
