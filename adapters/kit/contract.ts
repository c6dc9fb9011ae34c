// The contract every provincial adapter implements (adapters/README.md#adapter-contract). An
// adapter turns one stored case into one call in its province's dialect and reports the outcome;
// the job runner owns queues, retries, breakers and case status. Failure type decides retry
// (adapters/README.md#permanent-and-transient-failures, as bullmq does):
//   PermanentDeliveryError → the job fails at once (UnrecoverableError), case DELIVERY_FAILED;
//   TransientDeliveryError (or any other error) → retried with backoff.

/** What the gateway hands an adapter for one delivery. */
export interface DeliveryRequest {
  /** Gateway case id: also the province-side idempotency key (at-least-once delivery). */
  caseId: string;
  itemCode: string;
  itemVersion: number;
  itemName: string;
  mode: 'online' | 'proxy' | 'joint';
  receivingRegion: string;
  /**
   * Target division after lifting to the item's level (gateway/README.md#routing-rules, rule 6).
   */
  targetRegion: string;
  level: 'province' | 'prefecture' | 'county';
  /** Party role for a joint child. */
  role?: string;
  applicant: {
    type: 'person' | 'enterprise';
    name: string;
    idNumber?: string;
    creditCode?: string;
    phone?: string;
  };
  payload: Record<string, unknown>;
  materials: {
    name: string;
    mediaType: string;
    size: number;
    sha256?: string;
    sm3?: string;
    uri: string;
  }[];
  postal?: { carrier: string; waybillNo: string };
  submittedAt: string;
}

export interface DeliveryResult {
  /** The province's own case number (受理编号). */
  provinceCaseNo: string;
  /** 'received' for synchronous platforms; 'pending' when the decision arrives later (xz). */
  state: 'received' | 'pending';
  /** True when the province already held this case id (a retried or recovered delivery). */
  duplicate: boolean;
}

export interface AdapterContext {
  /**
   * Aborts the call, besides the adapter's own timeout (kit/http-backend.ts). The job runner gives
   * none: nothing cancels a delivery or a status query but that timeout, and a signal nothing
   * aborts still cost an AbortController per job and a listener on it per HTTP call.
   */
  signal?: AbortSignal;
  log: {
    info: (obj: object, msg?: string) => void;
    warn: (obj: object, msg?: string) => void;
    debug: (obj: object, msg?: string) => void;
  };
}

/** Which case a status query asks about: ours, and the province's number when we have it. */
export interface StatusQuery {
  caseId: string;
  provinceCaseNo?: string;
}

/**
 * An event as the province reports it in a status query, mapped from its dialect to the fields of
 * the gateway's event body (POST /v1/cases/{id}/events): the same event posted and queried must
 * map to the same fields and values, because the gateway applies an event once by their digest.
 * Untrusted: the gateway checks each against the event schema before applying it.
 */
export interface ReportedEvent {
  type: string;
  at: string;
  note?: string;
  provinceCaseNo?: string;
  result?: Record<string, unknown>;
}

/** The province's answer to a status query (adapters/README.md#status-query). */
export type ProvinceStatus =
  /** Everything it has reported on the case, oldest first (none yet: an empty list). */
  | { found: true; provinceCaseNo: string; events: ReportedEvent[] }
  /** It holds no case under our case id. */
  | { found: false };

export interface ProvinceAdapter {
  readonly id: string;
  deliver(request: DeliveryRequest, context: AdapterContext): Promise<DeliveryResult>;
  /**
   * Asks the province where a delivered case stands, in its dialect (办件过程查询). Failures are
   * classified as for deliver; the caller asks again after the next silence.
   */
  queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus>;
}

/** The province refused the case for good: 4xx other than 408/429, unmappable data, bad auth. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
  readonly provinceCode: string | undefined;
  constructor(message: string, provinceCode?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.provinceCode = provinceCode;
  }
}

/**
 * Worth retrying: 5xx, 408, 429, timeouts, resets, a province that is down. `retryAfterMs` is the
 * province's own Retry-After: the next attempt waits that long. `rateLimited` marks a province
 * that asked us to slow down (HTTP 429): the job runner pauses that adapter's queue instead of
 * counting a failed attempt.
 */
export class TransientDeliveryError extends Error {
  override name = 'TransientDeliveryError';
  readonly retryAfterMs: number | undefined;
  readonly rateLimited: boolean;
  constructor(
    message: string,
    retryAfterMs?: number,
    options?: { cause?: unknown; rateLimited?: boolean },
  ) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
    this.rateLimited = options?.rateLimited ?? false;
  }
}
