// Turning a dialect's record of one event (办件过程 entry) into the contract's ReportedEvent
// (adapters/README.md#status-query). The gateway applies an event once by the digest of its
// fields, so a queried event must come out exactly as the same event posted would: an optional
// field the dialect leaves empty is left out, never sent as ''.
import { TransientDeliveryError, type ReportedEvent } from './contract.ts';

export interface EventFields {
  type: unknown;
  at: unknown;
  note?: unknown;
  provinceCaseNo?: unknown;
  result?: unknown;
}

/** A ReportedEvent; an entry without a type or time is an unreadable answer (ask again later). */
export function reportedEvent(adapterId: string, fields: EventFields): ReportedEvent {
  const { type, at, note, provinceCaseNo, result } = fields;
  if (typeof type !== 'string' || type === '' || typeof at !== 'string' || at === '') {
    throw new TransientDeliveryError(
      `${adapterId} status answer has an entry without type or time`,
    );
  }
  return {
    type,
    at,
    ...(typeof note === 'string' && note !== '' ? { note } : {}),
    ...(typeof provinceCaseNo === 'string' && provinceCaseNo !== '' ? { provinceCaseNo } : {}),
    ...(isObject(result) ? { result } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list from a dialect's answer, or an unreadable answer. */
export function entriesOf(adapterId: string, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new TransientDeliveryError(`${adapterId} status answer's event list is not a list`);
  }
  return value;
}
