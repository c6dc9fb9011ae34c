// Free text an applicant typed outside the submission — an evaluation comment, a re-rating
// comment — may hold personal data, so it is sealed at rest like the envelope
// (gateway/README.md#encryption-at-rest), as base64 so it fits a hash field a Lua step writes
// from JSON. `context` binds it to its record: copied onto another, it does not open.
import { SealedDataError, type SealedDataProblem, type Sealer } from './sealed-data.ts';

export function sealText(sealer: Sealer, text: string, context: string): string {
  return sealer.seal(text, context).toString('base64');
}

/** The text, or undefined when it cannot be opened (its key is no longer listed, or tampered). */
export function openText(sealer: Sealer, sealed: string, context: string): string | undefined {
  try {
    const text = sealer.open(Buffer.from(sealed, 'base64'), context);
    return typeof text === 'string' ? text : undefined;
  } catch (error) {
    if (error instanceof SealedDataError) return undefined;
    throw error;
  }
}

// A history note from outside the gateway — a province's event note, a clerk's note on a
// rectification — is free text too. Its entry, a JSON string of a Redis list, keeps it sealed as
// `sealedNote` in place of `note`; the gateway's own notes ('loop closed') stay in clear, as do
// the notes of entries stored before notes were sealed, which still read.

/** A history entry as its list stores it: a note in clear, or sealed (base64). */
export interface StoredNoteEntry {
  at: string;
  status: string;
  note?: string;
  sealedNote?: string;
  /** As read only: why its sealed note did not open (for a log line; never content). */
  unreadableNote?: SealedDataProblem;
}

/** What a sealed note that does not open here reads as (its key retired, its bytes changed). */
export const UNREADABLE_NOTE = '(sealed note: cannot be opened here)';

/**
 * The context a note is sealed in: its case's (or rectification's) id and its entry's time and
 * status, so a sealed note copied onto another entry, or another case, does not open.
 */
export function noteContext(ownerId: string, entry: { at: string; status: string }): string {
  return `note:${ownerId}:${entry.at}:${entry.status}`;
}

/** `entry` with its note sealed to `ownerId` and the entry's place (no note: as it is). */
export function sealEntryNote<E extends StoredNoteEntry>(
  sealer: Sealer,
  ownerId: string,
  entry: E,
): E {
  const { note, ...rest } = entry;
  if (note === undefined) return entry;
  return { ...rest, sealedNote: sealText(sealer, note, noteContext(ownerId, entry)) } as E;
}

/**
 * `entry` as shown: its sealed note opened; when it does not open, UNREADABLE_NOTE with the
 * problem in `unreadableNote`, for the reader's log line.
 */
export function openEntryNote<E extends StoredNoteEntry>(
  sealer: Sealer,
  ownerId: string,
  entry: E,
): Omit<E, 'sealedNote'> {
  const { sealedNote, ...rest } = entry;
  if (sealedNote === undefined) return rest;
  try {
    const note = sealer.open(Buffer.from(sealedNote, 'base64'), noteContext(ownerId, entry));
    if (typeof note === 'string') return { ...rest, note };
    return { ...rest, note: UNREADABLE_NOTE, unreadableNote: 'format' };
  } catch (error) {
    if (!(error instanceof SealedDataError)) throw error;
    return { ...rest, note: UNREADABLE_NOTE, unreadableNote: error.problem };
  }
}

/** The log fields of a history's notes that did not open: where and why, never content. */
export function unreadableNotes(
  entries: readonly StoredNoteEntry[],
): { at: string; status: string; problem: SealedDataProblem }[] {
  return entries.flatMap((e) =>
    e.unreadableNote ? [{ at: e.at, status: e.status, problem: e.unreadableNote }] : [],
  );
}
