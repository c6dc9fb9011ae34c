// Masking of personal data in responses (gateway/README.md#reads-and-masking): ID numbers
// 5101**********123X, phones 138****5678, bank accounts keep their last 4, personal names their
// first character. Applied by field name over the stored envelope, so every item schema is covered
// without per-item code; operators with the unmask right see the original.

export function maskIdNumber(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`;
}

export function maskPhone(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

export function maskAccount(value: string): string {
  return value.length <= 4 ? '****' : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
}

export function maskName(value: string): string {
  const chars = [...value];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

const ID_KEY = /(^idNumber$|IdNumber$|^socialSecurityNo$|SocialSecurityNo$)/;
const PHONE_KEY = /(^phone$|Phone$|^mobile$|Mobile$)/;
const ACCOUNT_KEY = /(^accountNo$|AccountNo$|^bankAccount$|BankAccount$|^cardNo$|CardNo$)/;
const PERSON_NAME_KEY = /(^contactName$|^personName$|PersonName$|^holderName$|^agentName$)/;

function isPersonRecord(obj: Record<string, unknown>): boolean {
  return typeof obj.idNumber === 'string' || obj.type === 'person';
}

/** A deep copy of value with personal fields masked. */
export function maskPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const person = isPersonRecord(obj);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) {
    if (typeof v !== 'string') out[key] = maskPersonalData(v);
    else if (ID_KEY.test(key)) out[key] = maskIdNumber(v);
    else if (PHONE_KEY.test(key)) out[key] = maskPhone(v);
    else if (ACCOUNT_KEY.test(key)) out[key] = maskAccount(v);
    else if (PERSON_NAME_KEY.test(key) || (key === 'name' && person)) out[key] = maskName(v);
    else out[key] = v;
  }
  return out;
}
