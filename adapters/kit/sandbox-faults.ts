// A sandbox's fault knobs (adapters/README.md#fault-knobs), one object shared by its HTTP server
// (latency, errors, down, refusals) and its progression (silent), set at run time by tests and
// demos through Sandbox.setFaults.
export interface FaultSettings {
  /** Delay before every answer. */
  latencyMs: number;
  /** 0..1: share of deliveries answered with the dialect's transient ("busy") error. */
  errorRate: number;
  /** The listener closes and open sockets are destroyed: clients get ECONNREFUSED. */
  down: boolean;
  /** The next N deliveries get the dialect's permanent refusal. */
  refuseNext: number;
  /**
   * The province stops talking: its cases still progress (and its status query says so), but
   * no event post leaves it.
   */
  silent: boolean;
}

export class FaultKnobs {
  #settings: FaultSettings = {
    latencyMs: 0,
    errorRate: 0,
    down: false,
    refuseNext: 0,
    silent: false,
  };

  get current(): Readonly<FaultSettings> {
    return { ...this.#settings };
  }

  /** Changes some knobs; an errorRate outside 0..1 is refused and changes nothing. */
  set(faults: Partial<FaultSettings>): void {
    const next = { ...this.#settings, ...faults };
    if (next.errorRate < 0 || next.errorRate > 1) {
      throw new RangeError('errorRate must be within 0..1');
    }
    this.#settings = next;
  }

  /** Spends one of the refuseNext refusals; false when none is left. */
  takeRefusal(): boolean {
    if (this.#settings.refuseNext <= 0) return false;
    this.#settings.refuseNext -= 1;
    return true;
  }
}
