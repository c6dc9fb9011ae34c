// What a rating form sends (README.md#the-taxpayer-portal): the 好差评 of a closed case
// (case-rating.ts) and the re-rating of its rectified 差评 (case-re-rating.ts) take the same level
// and note, checked here once, so a bad one is 400 PORTAL_BAD_FORM from both, with the pointer of
// the field refused, never a 500.
import type { Request } from 'express';

/** A form's level and note, checked. */
export interface RatingFields {
  readonly level: number;
  readonly comment: string;
}

export type RatingForm =
  | RatingFields
  | {
      readonly refused: {
        readonly code: 'PORTAL_BAD_FORM';
        readonly title: string;
        /** The JSON pointer of the field refused. */
        readonly pointer: '/level' | '/comment';
      };
    };

export function ratingForm(req: Request): RatingForm {
  const body = (req.body ?? {}) as { level?: unknown; comment?: unknown };
  // A JSON number only, as the page sends it: Number() made true a 1 (a 差评, and the
  // rectification it opens), and " 2 ", "0x3" or [4] a level nobody chose.
  const level = body.level;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 5)
    return { refused: { code: 'PORTAL_BAD_FORM', title: '请选择评价等级', pointer: '/level' } };
  // A comment is text or absent: one of another type was dropped silently, and the applicant
  // rated without the words they thought they sent.
  if (body.comment !== undefined && typeof body.comment !== 'string')
    return { refused: { code: 'PORTAL_BAD_FORM', title: '评价意见应为文字', pointer: '/comment' } };
  // 500 characters, as the gateway counts them: cut by UTF-16 units, a character outside the
  // BMP at the end was halved, and the gateway refused the lone half (GW_FORBIDDEN_CHARACTER).
  const comment = Array.from((body.comment ?? '').trim())
    .slice(0, 500)
    .join('');
  return { level, comment };
}
