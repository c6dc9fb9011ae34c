// What the portal itself remembers of the cases its enterprises submitted (README.md#the-taxpayer-portal):
// who submitted which case (only they may follow it), the form values they sent (so a failed
// payment can be retried pre-filled, with the bank account the gateway only shows masked), and the
// last status a callback announced (for the home page's list). In memory, as the sessions: the
// gateway holds the case itself, and GET /v1/cases/{id} is the truth.

export interface PortalCase {
  readonly caseId: string;
  readonly login: string;
  readonly itemCode: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly submittedAt: string;
  readonly relatedCaseId?: string;
  status: string;
}

export class PortalCases {
  readonly #cases = new Map<string, PortalCase>();

  add(entry: PortalCase): void {
    this.#cases.set(entry.caseId, entry);
  }

  /** The case if this enterprise submitted it. */
  of(login: string, caseId: string): PortalCase | undefined {
    const entry = this.#cases.get(caseId);
    return entry?.login === login ? entry : undefined;
  }

  get(caseId: string): PortalCase | undefined {
    return this.#cases.get(caseId);
  }

  /** This enterprise's cases, newest first. */
  list(login: string): PortalCase[] {
    return [...this.#cases.values()].filter((c) => c.login === login).reverse();
  }
}
