// Free text an applicant typed outside the submission — an evaluation comment, a re-rating
// comment — may hold personal data, so it is sealed at rest like the envelope
// (gateway/README.md#encryption-at-rest), as base64 so it fits a hash field a Lua step writes
// from JSON. `context` binds it to its record: copied onto another, it does not open.
import { SealedDataError, type Sealer } from './sealed-data.ts';

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
