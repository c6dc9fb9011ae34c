// The sandbox enterprises that can log in to the reference portal (README.md#the-taxpayer-portal):
// each is one of the tax core's test taxpayers (adapters/README.md#the-tax-core), with what a real
// provincial portal would know of it after its own real-name login — its identity as the applicant,
// its contact person, and the defaults it pays with (its 跨区域涉税事项报告, project, bank account).
// Passwords are stored scrypt-hashed (`scrypt$<salt hex>$<hash hex>`), never in clear, even for
// test accounts; the clear passwords are listed in the README for testers.
import { scryptSync, timingSafeEqual } from 'node:crypto';

export interface PortalAccount {
  readonly login: string;
  readonly passwordHash: string;
  /** The applicant the gateway sees (schemas/envelope.schema.json applicant). */
  readonly applicant: {
    readonly type: 'enterprise';
    readonly name: string;
    readonly creditCode: string;
    readonly phone: string;
    readonly contactName: string;
    readonly contactIdNumber: string;
  };
  /** Where the portal collects: the enterprise's home county (a 四川 portal collects for 51xxxx). */
  readonly receivingRegion: string;
  /** The payment form's starting values (the SW-005 payload's fields). */
  readonly defaults: Readonly<Record<string, unknown>>;
}

export const TEST_ACCOUNTS: readonly PortalAccount[] = [
  {
    login: 'shudao',
    passwordHash:
      'scrypt$423385e43f0657debb59145325683e06$c064f43770aa146e9ead764b776a5df6a51644c83a2ef2213cbb043bea0c4adf',
    applicant: {
      type: 'enterprise',
      name: '四川蜀道路桥建设有限公司',
      creditCode: '91510104MA6CXY120G',
      phone: '13812345678',
      contactName: '李明',
      contactIdNumber: '510104198503152311',
    },
    receivingRegion: '510104',
    defaults: {
      taxpayerId: '91510104MA6CXY120G',
      taxpayerName: '四川蜀道路桥建设有限公司',
      crossRegionReportNo: '51010426000123',
      project: {
        region: '530323',
        name: '师宗县城乡道路改造工程',
        businessType: 'construction',
        contractNo: 'SZ-2026-017',
      },
      taxAuthorityCode: '15303230000',
      agreementNo: '5303230001234567',
      agreementTaxAuthorityCode: '15303230000',
      bank: {
        bankCode: '102731000019',
        accountNo: '6222020200112233445',
        accountName: '四川蜀道路桥建设有限公司',
      },
    },
  },
  {
    login: 'xiaohong',
    passwordHash:
      'scrypt$fba2601e7c9c8cd72fc97acc9e5804e1$684338094c0d4e96ce44262d4dbb2cb5b60eaf272622cebc6a65c681cb001606',
    applicant: {
      type: 'enterprise',
      name: '成都市锦江区晓红建材经营部',
      creditCode: '92510104MA6DJK7L00',
      phone: '13812345678',
      contactName: '陈晓红',
      contactIdNumber: '510104198503152311',
    },
    receivingRegion: '510104',
    defaults: {
      taxpayerId: '92510104MA6DJK7L00',
      taxpayerName: '成都市锦江区晓红建材经营部',
      crossRegionReportNo: '51010426000503',
      project: {
        region: '530323',
        name: '师宗县城区建材销售',
        businessType: 'sales',
        contractNo: 'SZ-2026-102',
      },
      taxAuthorityCode: '15303230000',
      agreementNo: '5303230001234567',
      agreementTaxAuthorityCode: '15303230000',
      bank: {
        bankCode: '102731000019',
        accountNo: '6222020200998877665',
        accountName: '成都市锦江区晓红建材经营部',
      },
    },
  },
];

/** The account whose password this is; undefined for a wrong login or password. */
export function checkPassword(
  accounts: readonly PortalAccount[],
  login: string,
  password: string,
): PortalAccount | undefined {
  const account = accounts.find((a) => a.login === login);
  // Hash even for an unknown login, so the answer takes as long either way.
  const [, salt = '', hash = '00'] = (account?.passwordHash ?? 'scrypt$00$00').split('$');
  const given = scryptSync(password, salt, 32);
  const expected = Buffer.from(hash, 'hex');
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  return account && same ? account : undefined;
}
