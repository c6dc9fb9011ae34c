// The type of a body that passed schemas/envelope.schema.json (gateway/README.md#submission). Input
// is `unknown` until the envelope validator narrows it to this
// (gateway/README.md#types-from-schemas); keep the two in step.
import type { Mode } from './catalogue-item.ts';

export interface Party {
  readonly role: string;
  readonly region: string;
}

export interface Applicant {
  readonly type: 'person' | 'enterprise';
  readonly name: string;
  /** Present for a person (schemas/README.md#id-numbers). */
  readonly idNumber?: string;
  /** Present for an enterprise (schemas/README.md#credit-codes). */
  readonly creditCode?: string;
  readonly phone?: string;
  readonly contactName?: string;
  readonly contactIdNumber?: string;
}

export interface MaterialRef {
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256?: string;
  readonly sm3?: string;
  readonly uri: string;
}

export interface SubmissionEnvelope {
  readonly itemCode: string;
  /** Omitted: the latest published version. */
  readonly itemVersion?: number;
  readonly mode: Mode;
  readonly receivingRegion: string;
  /** For online and proxy modes. */
  readonly handlingRegion?: string;
  /** For joint mode: two or more parties (schemas/README.md#modes). */
  readonly parties?: readonly Party[];
  readonly applicant: Applicant;
  /** Checked against the item's own schema in the payload stage. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly materials?: readonly MaterialRef[];
  /** Only in proxy mode. */
  readonly postal?: { readonly carrier: string; readonly waybillNo: string };
  readonly callbackUrl?: string;
  /** An earlier case of the same portal this one follows up (gateway/README.md#related-cases). */
  readonly relatedCaseId?: string;
}
