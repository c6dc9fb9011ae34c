// A submission refused by validation (gateway/README.md#validation-order). It is a GatewayError, so
// the one problem+json mapper answers it like any other; `stage` says which step of the fixed order
// (envelope → identifiers → item → payload) refused it, for logs and metrics.
import { GatewayError, type FieldProblem } from '../shared/errors.ts';

/** The codes each stage answers with (shared/errors.ts). */
export interface StageCodes {
  envelope: 'GW_VALIDATION_FAILED';
  identifiers: 'GW_IDENTIFIER_INVALID';
  item:
    | 'GW_ITEM_NOT_FOUND'
    | 'GW_ITEM_VERSION_NOT_FOUND'
    | 'GW_ITEM_VERSION_RETIRED'
    | 'GW_ITEM_DISABLED';
  payload: 'GW_PAYLOAD_INVALID';
}

export type ValidationStage = keyof StageCodes;

export class SubmissionRejectedError extends GatewayError {
  readonly stage: ValidationStage;
  override readonly errors: FieldProblem[];

  constructor(stage: ValidationStage, code: StageCodes[ValidationStage], errors: FieldProblem[]) {
    super(code, { errors, detail: `${errors.length} problem(s) in the ${stage} stage` });
    this.name = 'SubmissionRejectedError';
    this.stage = stage;
    this.errors = errors;
  }
}
