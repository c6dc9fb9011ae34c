// `clients list`: GET /v1/admin/clients — the answering gateway's registered clients as a table,
// then each secret rotation's progress (README.md#rotating-a-clients-secret, step 3): when any
// gateway last accepted the old and the new secret, in China time as the console shows them, and
// whether step 4 may go ahead (gateway/admin/rotation-progress.ts). `--json` prints the answer.
import type { Command } from 'commander';
import type { ClientListing, ListedClient } from '../../gateway/admin/client-listing.ts';
import {
  QUIET_MINUTES,
  minutesSince,
  rotationProgress,
} from '../../gateway/admin/rotation-progress.ts';
import type { SecretUse } from '../../gateway/auth/secret-use.ts';
import { chinaTime } from '../../gateway/shared/china-time.ts';
import type { ConnectOperator } from './operator-api.ts';

export function addClientCommands(program: Command, connect: ConnectOperator): void {
  const group = program
    .command('clients')
    .description('the clients registered with the gateway, and their secret rotations');

  group
    .command('list')
    .description('list the clients of the gateway’s clients file and each rotation’s progress')
    .option('--json', 'print JSON (times in UTC)')
    .action(async (options: { json?: boolean }, command: Command) => {
      const listing = await connect(command).get<ClientListing>('/v1/admin/clients');
      if (options.json) console.log(JSON.stringify(listing, null, 2));
      else console.log(clientReport(listing, new Date()));
    });
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function used(use: SecretUse | null, now: Date): string {
  if (use === null) return 'none recorded';
  return `${chinaTime(use.at, { seconds: true })} (${minutesSince(use.at, now)} min ago, ${use.gateway})`;
}

function progressLine(c: ListedClient, now: Date): string | undefined {
  const p = rotationProgress(c.rotation, now);
  switch (p.state) {
    case 'none':
      return undefined;
    case 'dropped':
      return 'previous secret no longer accepted by this gateway (step 4 done here)';
    case 'old-in-use':
      return `old secret used ${p.minutes} min ago: wait (step 4 after ${QUIET_MINUTES} min unused)`;
    case 'new-unused':
      return 'new secret not accepted since the old one last was: has the client switched (step 2)?';
    case 'ready':
      return `old secret unused${p.minutes === null ? '' : ` for ${p.minutes} min`}: step 4 (drop it) may go ahead`;
  }
}

/** The listing as a person reads it: the clients, then each rotation under way or just ended. */
export function clientReport(listing: ClientListing, now: Date): string {
  const lines = [
    `clients of ${listing.gateway}'s clients file (each gateway answers from its own)`,
    ...table([
      ['id', 'kind', 'province', 'adapter', 'methods', 'rate/s', 'rights', 'rotation'],
      ...listing.items.map((c) => [
        c.id,
        c.kind,
        c.province ?? '-',
        c.adapter ?? '-',
        c.signatureMethods.join(','),
        `${c.ratePerSecond}${c.rateFrom === 'default' ? ' (default)' : ''}`,
        c.rights === undefined ? '-' : c.rights.length ? c.rights.join(',') : '(none)',
        c.rotation.previousSecret ? 'previous secret' : '-',
      ]),
    ]),
  ];
  const rotating = listing.items.filter((c) => progressLine(c, now) !== undefined);
  if (rotating.length > 0) {
    lines.push(
      '',
      `secret rotations — times in Beijing time (北京时间, UTC+8); each gateway records a use at most every ${listing.recordedEverySeconds} s, kept ${listing.keptDays} days`,
    );
    for (const c of rotating)
      lines.push(
        `${c.id}`,
        `  old secret last accepted: ${used(c.rotation.previous, now)}`,
        `  new secret last accepted: ${used(c.rotation.current, now)}`,
        `  ${progressLine(c, now)!}`,
      );
  }
  return lines.join('\n');
}
