// The taxpayers the sandboxes' tax core knows (adapters/README.md#the-tax-core): each has reported
// its cross-region business (跨区域涉税事项报告, SW-001) at home and been checked in (报验, SW-002) at
// the place of operation, so its report number is on record. One of each taxpayer form
// (schemas/README.md#taxpayer-ids): a 四川 company (credit code), a natural person (ID number), and a
// 个体工商户 both by its credit code and by its operator's ID number + 2 digits. Their ids pass the
// gateway's GB 32100 / GB 11643 checks; the SW-005 examples and the reference portal's test
// accounts use them.

export interface TestTaxpayer {
  /** 纳税人识别号. */
  readonly taxpayerId: string;
  readonly name: string;
  readonly kind: 'organisation' | 'person' | 'individual-business';
  /** 跨区域涉税事项报告编号 on record. */
  readonly reportNo: string;
}

export const TEST_TAXPAYERS: readonly TestTaxpayer[] = [
  {
    taxpayerId: '91510104MA6CXY120G',
    name: '四川蜀道路桥建设有限公司',
    kind: 'organisation',
    reportNo: '51010426000123',
  },
  {
    taxpayerId: '510107199203086512',
    name: '张伟',
    kind: 'person',
    reportNo: '51010726000457',
  },
  {
    taxpayerId: '51010419850315231101',
    name: '成都市锦江区晓红建材经营部',
    kind: 'individual-business',
    reportNo: '51010426000502',
  },
  {
    taxpayerId: '92510104MA6DJK7L00',
    name: '成都市锦江区晓红建材经营部',
    kind: 'individual-business',
    reportNo: '51010426000503',
  },
];

export function findTaxpayer(taxpayerId: string): TestTaxpayer | undefined {
  return TEST_TAXPAYERS.find((t) => t.taxpayerId === taxpayerId);
}
