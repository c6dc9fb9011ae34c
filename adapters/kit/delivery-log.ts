// The log of one delivery attempt (adapters/README.md#job-runner): the adapter worker's logger with
// the case id and the attempt on every line. A pino child per job cost the worker ≈ 6–8 µs of CPU
// per delivery (its bindings censored and serialised) for lines most deliveries never write: at
// info, the adapters' and the HTTP backend's debug lines are dropped, and a delivery that succeeds
// writes one line, which takes the two fields itself. So the child is made on the first line that
// is written, and a debug line below the logger's level makes none. A class with methods on its
// prototype, not an object literal of closures or getters, so nothing per job is allocated in old
// space (gateway/README.md#garbage-collection).
import type { Logger } from '../../gateway/shared/logger.ts';

export class DeliveryLog {
  readonly #parent: Logger;
  readonly #caseId: string;
  readonly #attempt: number;
  #child: Logger | undefined;

  constructor(parent: Logger, caseId: string, attempt: number) {
    this.#parent = parent;
    this.#caseId = caseId;
    this.#attempt = attempt;
  }

  debug(obj: object, msg?: string): void {
    if (this.#parent.isLevelEnabled('debug')) this.#log().debug(obj, msg);
  }

  info(obj: object, msg?: string): void {
    this.#log().info(obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.#log().warn(obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.#log().error(obj, msg);
  }

  /**
   * One info line with the case id and the attempt given with the line's own fields, as the
   * child would write them, without making the child: the one line of a delivery that succeeds.
   */
  infoOnce(obj: object, msg: string): void {
    if (this.#child) this.#child.info(obj, msg);
    else this.#parent.info({ caseId: this.#caseId, attempt: this.#attempt, ...obj }, msg);
  }

  #log(): Logger {
    return (this.#child ??= this.#parent.child({ caseId: this.#caseId, attempt: this.#attempt }));
  }
}
