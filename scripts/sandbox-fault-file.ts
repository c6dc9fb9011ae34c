// npm start's fault file: `<sandboxes folder>/faults.json` (default .data/sandboxes/faults.json)
// holds the fault knobs each sandbox should have now (adapters/README.md#fault-knobs), e.g.
// `{ "yn": { "down": true } }`, so an operator can rehearse an outage — a province down, busy or
// refusing — against the running system and watch it in the console. The knobs were reachable
// only from code (tests, Sandbox.setFaults), which left no way to cause the outage the console's
// dead-letter pages are for. A file rather than the terminal: `npm start &` reading its terminal
// from the background would be stopped by the shell (SIGTTIN), and a file can be written by a script.
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { ADAPTER_IDS, isAdapterId, type AdapterId } from '../adapters/kit/registry.ts';
import type { FaultSettings, Sandbox } from '../adapters/kit/sandbox-kit.ts';

const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  down: false,
  refuseNext: 0,
  silent: false,
};

type Wanted = Partial<Record<AdapterId, Partial<FaultSettings>>>;

function knobProblem(name: string, value: unknown): string | undefined {
  switch (name) {
    case 'down':
    case 'silent':
      return typeof value === 'boolean' ? undefined : `${name} is true or false`;
    case 'latencyMs':
    case 'refuseNext':
      return Number.isInteger(value) && (value as number) >= 0
        ? undefined
        : `${name} is a whole number, 0 or more`;
    case 'errorRate':
      return typeof value === 'number' && value >= 0 && value <= 1
        ? undefined
        : 'errorRate is a number within 0..1';
    default:
      return `unknown knob ${name} (${Object.keys(NO_FAULTS).join(', ')})`;
  }
}

/** The file's text as each adapter's knobs, or the first problem found (nothing is applied then). */
export function parseFaultFile(text: string): Wanted | string {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'not an object of adapters, e.g. { "yn": { "down": true } }';
  }
  const entries: [string, unknown][] = Object.entries(parsed as Record<string, unknown>);
  for (const [id, knobs] of entries) {
    if (id === '$comment') continue;
    if (!isAdapterId(id)) return `unknown adapter ${id} (${ADAPTER_IDS.join(', ')})`;
    if (typeof knobs !== 'object' || knobs === null || Array.isArray(knobs)) {
      return `${id}: not an object of knobs, e.g. { "down": true }`;
    }
    for (const [name, value] of Object.entries(knobs as Record<string, unknown>)) {
      const problem = knobProblem(name, value);
      if (problem) return `${id}: ${problem}`;
    }
  }
  return Object.fromEntries(entries.filter(([id]) => id !== '$comment'));
}

/**
 * Gives every running sandbox the knobs the file names for it, the others none (an adapter left
 * out of the file, or an emptied file, is a province back to normal). Answers the line to print.
 */
export async function applyFaultFile(
  text: string,
  sandboxes: ReadonlyMap<AdapterId, Sandbox>,
): Promise<string> {
  const wanted = parseFaultFile(text);
  if (typeof wanted === 'string') return `sandbox faults file ignored: ${wanted}`;
  const changed: string[] = [];
  for (const [id, sandbox] of sandboxes) {
    const next = { ...NO_FAULTS, ...wanted[id] };
    const now = sandbox.faults;
    if (Object.entries(next).every(([name, value]) => now[name as keyof FaultSettings] === value)) {
      continue;
    }
    await sandbox.setFaults(next);
    const set = Object.entries(next).filter(
      ([name, value]) => value !== NO_FAULTS[name as keyof FaultSettings],
    );
    changed.push(
      `${id} ${set.length ? set.map(([n, v]) => `${n}=${String(v)}`).join(' ') : 'back to normal'}`,
    );
  }
  return `sandbox faults: ${changed.length ? changed.join('; ') : 'no change'}`;
}

/**
 * Applies the file now (saying only what it changed: a file left from an earlier run still
 * applies) and whenever it changes; the answer stops watching.
 */
export function watchFaultFile(
  file: string,
  sandboxes: ReadonlyMap<AdapterId, Sandbox>,
  say: (line: string) => void,
): () => void {
  // One change applied at a time, in order: a file rewritten twice quickly ends as its last text.
  let applying = Promise.resolve();
  const apply = (atStart = false) => {
    applying = applying.then(async () => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = ''; // no file: no faults
      }
      const line = await applyFaultFile(text, sandboxes).catch(
        (e: unknown) => `sandbox faults: ${String(e)}`,
      );
      if (!(atStart && line.endsWith('no change'))) say(line);
    });
  };
  // Node reports a file missing at the first poll as a change from nothing to nothing: not one.
  const changed = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== 0 || before.mtimeMs !== 0) apply();
  };
  apply(true);
  // Polling (stat every 500 ms) rather than fs.watch: it sees a file an editor replaces, and one
  // created or deleted after the start.
  watchFile(file, { interval: 500 }, changed);
  return () => unwatchFile(file, changed);
}
