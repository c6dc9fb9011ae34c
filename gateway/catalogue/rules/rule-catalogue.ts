// Every cross-field rule an item schema may name, by name (cross-field-rule.ts). Adding a rule:
// one file in this folder, one line here, a row in schemas/README.md#cross-field-rules.
import { amountAtMost } from './amount-at-most.ts';
import type { CrossFieldRule } from './cross-field-rule.ts';
import { dateOrder } from './date-order.ts';
import { equals } from './equals.ts';
import { linesMatch } from './lines-match.ts';
import { notAfterToday } from './not-after-today.ts';
import { notBeforeSubmission } from './not-before-submission.ts';
import { sumEquals } from './sum-equals.ts';
import { taxAuthorityInRegion } from './tax-authority-in-region.ts';
import { taxpayerIsApplicant } from './taxpayer-is-applicant.ts';
import { withinPartyRegion } from './within-party-region.ts';
import { withinRegion } from './within-region.ts';

const RULES: readonly CrossFieldRule[] = [
  sumEquals,
  amountAtMost,
  withinRegion,
  withinPartyRegion,
  taxAuthorityInRegion,
  equals,
  dateOrder,
  notAfterToday,
  notBeforeSubmission,
  linesMatch,
  taxpayerIsApplicant,
];

export const CROSS_FIELD_RULES: ReadonlyMap<string, CrossFieldRule> = new Map(
  RULES.map((rule) => [rule.name, rule]),
);
