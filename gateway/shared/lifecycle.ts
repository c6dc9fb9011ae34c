// Process lifecycle shared by readiness and shutdown: once draining starts, /readyz answers 503 so
// a load balancer stops sending traffic while in-flight work finishes.
export interface Lifecycle {
  readonly draining: boolean;
  startDraining(): void;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
  };
}
