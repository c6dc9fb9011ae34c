// What `data-keys census | reseal` show at the terminal (README.md#operator-cli), for the gateway's
// keys over its operator API and for the reference portal's in its own Redis (--portal): the
// counts by key id, and what each key's verdict means for retiring it (the progress bar:
// progress-bar.ts).
import type { KeyVerdict } from '../../gateway/admin/data-keys.ts';

export const total = (counts: Readonly<Record<string, number>>) =>
  Object.values(counts).reduce((a, b) => a + b, 0);

export function counts(c: Readonly<Record<string, number>>): string {
  const entries = Object.entries(c);
  return entries.length === 0 ? 'none' : entries.map(([id, n]) => `${id} ${n}`).join(', ');
}

/** Whose keys a census counted: the variable listing them, the re-seal to run, who opens them. */
export interface KeyOwner {
  readonly variable: string;
  readonly reseal: string;
  readonly opener: string;
}

export function printVerdicts(verdicts: readonly KeyVerdict[], owner: KeyOwner): void {
  for (const { keyId, records, verdict } of verdicts) {
    const says = {
      current: `current: seals new records (${records} now)`,
      needed: `still needed: ${records} records sealed under it (run \`${owner.reseal}\`)`,
      removable: `no record sealed under it: can be removed from ${owner.variable}`,
      'not-listed': `not listed: ${records} records ${owner.opener} cannot open`,
    }[verdict];
    console.log(`  ${keyId}: ${says}`);
  }
}
