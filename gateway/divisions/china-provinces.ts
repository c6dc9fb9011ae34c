// The 34 province-level divisions of China by their GB/T 2260 two-digit prefix
// (schemas/README.md#division-codes). The division table holds only the alliance members'
// divisions, so 110105 (北京 东城区) or 440305 (深圳 南山区) are not in it. This list lets routing answer
// "not a member" for a real province outside the alliance instead of "unknown division" — decided
// by the whole two-digit prefix, never by the first digit (广西 is 45,
// schemas/README.md#alliance-and-catalogue).
export const CHINA_PROVINCES: ReadonlyMap<string, string> = new Map([
  ['11', '北京市'],
  ['12', '天津市'],
  ['13', '河北省'],
  ['14', '山西省'],
  ['15', '内蒙古自治区'],
  ['21', '辽宁省'],
  ['22', '吉林省'],
  ['23', '黑龙江省'],
  ['31', '上海市'],
  ['32', '江苏省'],
  ['33', '浙江省'],
  ['34', '安徽省'],
  ['35', '福建省'],
  ['36', '江西省'],
  ['37', '山东省'],
  ['41', '河南省'],
  ['42', '湖北省'],
  ['43', '湖南省'],
  ['44', '广东省'],
  ['45', '广西壮族自治区'],
  ['46', '海南省'],
  ['50', '重庆市'],
  ['51', '四川省'],
  ['52', '贵州省'],
  ['53', '云南省'],
  ['54', '西藏自治区'],
  ['61', '陕西省'],
  ['62', '甘肃省'],
  ['63', '青海省'],
  ['64', '宁夏回族自治区'],
  ['65', '新疆维吾尔自治区'],
  ['71', '台湾省'],
  ['81', '香港特别行政区'],
  ['82', '澳门特别行政区'],
]);

/** The province-level name for a two-digit prefix, or undefined when no province has it. */
export function chinaProvinceName(prefix: string): string | undefined {
  return CHINA_PROVINCES.get(prefix);
}
