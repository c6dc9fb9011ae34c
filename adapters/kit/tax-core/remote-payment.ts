// What the tax core reads of an SW-005 payload (schemas/items/SW-005.schema.json; the gateway has
// validated it, so this only narrows `unknown` to the fields the decision needs, and says which
// field is missing when a platform mangled one on the way).

export interface PaymentLine {
  readonly collectionItemCode: string;
  readonly collectionSubitemCode: string;
  readonly taxPeriod: { readonly start: string; readonly end: string };
  readonly amount: string;
  readonly taxAuthorityCode: string;
}

export interface RemotePayment {
  readonly taxpayerId: string;
  readonly crossRegionReportNo: string;
  readonly agreementNo: string;
  readonly bank: { readonly bankCode: string; readonly accountNo: string };
  readonly lines: readonly PaymentLine[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

function isLine(value: unknown): value is PaymentLine {
  return (
    isObject(value) &&
    isText(value.collectionItemCode) &&
    isText(value.collectionSubitemCode) &&
    isObject(value.taxPeriod) &&
    isText(value.taxPeriod.start) &&
    isText(value.taxPeriod.end) &&
    isText(value.amount) &&
    isText(value.taxAuthorityCode)
  );
}

/** The payment, or the name of the first field it lacks. */
export function readRemotePayment(
  payload: unknown,
): { ok: true; payment: RemotePayment } | { ok: false; field: string } {
  if (!isObject(payload)) return { ok: false, field: 'payload' };
  for (const field of ['taxpayerId', 'crossRegionReportNo', 'agreementNo'] as const)
    if (!isText(payload[field])) return { ok: false, field };
  const bank = payload.bank;
  if (!isObject(bank) || !isText(bank.bankCode) || !isText(bank.accountNo))
    return { ok: false, field: 'bank' };
  const lines = payload.lines;
  if (!Array.isArray(lines) || lines.length === 0 || !lines.every(isLine))
    return { ok: false, field: 'lines' };
  return { ok: true, payment: payload as unknown as RemotePayment };
}
