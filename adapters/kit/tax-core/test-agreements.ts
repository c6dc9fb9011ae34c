// The test 三方协议 (taxpayer–tax office–bank agreements) of the sandboxes' tax core, like a payment
// provider's test cards (adapters/README.md#the-tax-core): the agreement number alone decides what
// happens, whoever pays and from whichever account. Each test bureau (test-bureaus.ts) has five,
// numbered by its six-digit division:
//
//   <division>0001234567  pays
//   <division>0002000001  余额不足 (insufficient-funds)
//   <division>0002000002  三方协议未生效 (agreement-not-effective)
//   <division>0002000003  账户状态异常 (account-abnormal)
//   <division>0002000004  signed with another tax authority (the taxpayer's home bureau): the tax
//                         core asks for a correction
//
// so 5303230001234567 is the one that pays at 师宗县 (the SW-005 examples use it).
import { TEST_BUREAUS } from './test-bureaus.ts';

export const AGREEMENT_BEHAVIOURS = [
  'pays',
  'insufficient-funds',
  'agreement-not-effective',
  'account-abnormal',
  'wrong-authority',
] as const;
export type AgreementBehaviour = (typeof AGREEMENT_BEHAVIOURS)[number];

export interface TestAgreement {
  /** 三方协议号. */
  readonly agreementNo: string;
  /** The tax authority it was signed with, as the tax core has it on record. */
  readonly taxAuthorityCode: string;
  readonly behaviour: AgreementBehaviour;
}

const SUFFIX: Readonly<Record<AgreementBehaviour, string>> = {
  pays: '0001234567',
  'insufficient-funds': '0002000001',
  'agreement-not-effective': '0002000002',
  'account-abnormal': '0002000003',
  'wrong-authority': '0002000004',
};

/** Every test agreement of every test bureau. */
export const TEST_AGREEMENTS: readonly TestAgreement[] = TEST_BUREAUS.flatMap((bureau) =>
  AGREEMENT_BEHAVIOURS.map((behaviour) => ({
    agreementNo: `${bureau.code.slice(1, 7)}${SUFFIX[behaviour]}`,
    taxAuthorityCode: behaviour === 'wrong-authority' ? bureau.otherAuthority : bureau.code,
    behaviour,
  })),
);

export function findAgreement(agreementNo: string): TestAgreement | undefined {
  return TEST_AGREEMENTS.find((a) => a.agreementNo === agreementNo);
}

/** The test agreement of a bureau with the given behaviour (for tests and the portal's help). */
export function testAgreement(bureauCode: string, behaviour: AgreementBehaviour): string {
  return `${bureauCode.slice(1, 7)}${SUFFIX[behaviour]}`;
}
