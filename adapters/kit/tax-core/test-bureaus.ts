// The tax bureaus the sandboxes' tax core serves (adapters/README.md#the-tax-core): one county
// bureau per sandbox, in the division its contract suite delivers to, so every province's sandbox
// can settle an SW-005 payment for a project there. Codes follow the tax-authority form
// `1` + six-digit division + `0000` (schemas/README.md#tax-authority-codes); names follow the
// bureaus' public naming (国家税务总局<市><县/区>税务局).

export interface TestBureau {
  /** 税务机关代码. */
  readonly code: string;
  readonly name: string;
  /**
   * Where this bureau's "wrong authority" test agreement was signed instead: the taxpayer's home
   * (机构所在地) bureau, the mistake the 电子税务局 refuses as 所选缴款项目税款所属税务机构跟三方协议
   * 税款所属税务机构不一致.
   */
  readonly otherAuthority: string;
}

export const TEST_BUREAUS: readonly TestBureau[] = [
  { code: '15303230000', name: '国家税务总局师宗县税务局', otherAuthority: '15101040000' },
  { code: '14501030000', name: '国家税务总局南宁市青秀区税务局', otherAuthority: '15101040000' },
  { code: '15001030000', name: '国家税务总局重庆市渝中区税务局', otherAuthority: '15101040000' },
  { code: '15107030000', name: '国家税务总局绵阳市涪城区税务局', otherAuthority: '15101040000' },
  { code: '15101040000', name: '国家税务总局成都市锦江区税务局', otherAuthority: '15303230000' },
  { code: '15201020000', name: '国家税务总局贵阳市南明区税务局', otherAuthority: '15101040000' },
  { code: '15401020000', name: '国家税务总局拉萨市城关区税务局', otherAuthority: '15101040000' },
];

/** The bureau's name, or the code itself for an authority the sandboxes do not serve. */
export function bureauName(code: string): string {
  return TEST_BUREAUS.find((b) => b.code === code)?.name ?? `税务机关 ${code}`;
}
