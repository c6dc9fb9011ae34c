// A catalogue the gateway cannot serve. Raised at start (or when a catalogue is published), never
// per request, so it is not a GatewayError: the process refuses to start and says why. It lists
// every problem at once, so an operator fixes the whole catalogue in one pass.
export class CatalogueInvalidError extends Error {
  readonly problems: readonly string[];

  constructor(what: string, problems: readonly string[]) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    super(`${what}: ${problems.length} problem(s)\n${list}`);
    this.name = 'CatalogueInvalidError';
    this.problems = Object.freeze([...problems]);
  }
}
