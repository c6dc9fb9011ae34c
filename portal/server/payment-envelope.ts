// From what the taxpayer filled in to the envelope the gateway receives (gateway/README.md#submission):
// the form holds the SW-005 payload; who applies, where the portal collects and where it is
// handled come from the signed-in enterprise and the project, never from the browser. The
// taxpayer is the enterprise itself (the gateway's taxpayer-is-applicant rule would refuse another).
import type { PortalAccount } from './test-accounts.ts';

export const PAYMENT_ITEM = 'SW-005';

export interface PaymentInput {
  readonly values: Record<string, unknown>;
  readonly itemVersion?: number;
  readonly relatedCaseId?: string;
}

export function paymentEnvelope(
  account: PortalAccount,
  input: PaymentInput,
  callbackUrl: string,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    ...input.values,
    taxpayerId: account.defaults.taxpayerId,
    taxpayerName: account.defaults.taxpayerName,
  };
  const project = payload.project as { region?: unknown } | undefined;
  return {
    itemCode: PAYMENT_ITEM,
    ...(input.itemVersion ? { itemVersion: input.itemVersion } : {}),
    mode: 'online',
    receivingRegion: account.receivingRegion,
    // The tax is paid where the project is (schemas/README.md#remote-tax-payment).
    handlingRegion: typeof project?.region === 'string' ? project.region : '',
    applicant: account.applicant,
    payload,
    callbackUrl,
    ...(input.relatedCaseId ? { relatedCaseId: input.relatedCaseId } : {}),
  };
}

/**
 * Where a gateway problem belongs on the form: the envelope's handling region is the project's
 * region on the form; every other pointer names its own field.
 */
export function formPointer(path: string): string {
  return path === '/handlingRegion' ? '/payload/project/region' : path;
}
