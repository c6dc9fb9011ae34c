// An injected clock for the gateway's status times (gateway/README.md#tests-on-real-redis): tests
// set it to a date on the working-day calendar and move it on, never sleeping. Request signatures
// keep using the real time.
export interface TestClock {
  now: () => Date;
  set: (iso: string) => void;
  /** Moves the clock on by ms. */
  advance: (ms: number) => void;
  ms: () => number;
}

export function testClock(startIso: string): TestClock {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
    ms: () => t,
  };
}

export const DAY_MS = 86_400_000;
