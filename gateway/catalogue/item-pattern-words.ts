// Words for the items' own patterns that are not one character class repeated (those are read by
// one-class-words.ts): a VIN, certificate and licence numbers, codes of a national standard,
// decimal quantities. They were told only as the regular expression, in English and Chinese.
// Keyed by the pattern's source as the item schemas write it, so items that share a shape share
// its words. Each example quoted is a value of the item's own examples file where that file has
// one, and matches the pattern; a quoted part that is no example is listed in `not` — both checked,
// with every item pattern having words, by tests/unit/catalogue/item-pattern-words.test.ts.
import type { Words } from './pattern-words.ts';

export const ITEM_PATTERN_WORDS: ReadonlyMap<string, Words> = new Map<string, Words>([
  // CL-001, CL-002, MZ-005 … MZ-008: 残疾人证号
  [
    '^[0-9]{17}[0-9X][1-7][1-4]$',
    {
      en: 'a disability certificate number: the holder\'s 18-character ID number (17 digits 0–9, then a digit or X), then a category digit 1–7 and a grade digit 1–4 ("45092119800607002843")',
      zh: '残疾人证号：持证人的 18 位身份证号码（17 位数字，再接一位数字或 X），再接残疾类别 1–7 和残疾等级 1–4 各一位数字（如 "45092119800607002843"）',
    },
  ],
  // GA-007, JT-006, JT-011
  [
    '^[A-HJ-NPR-Z0-9]{17}$',
    {
      en: 'a vehicle identification number (VIN): 17 characters, each a digit 0–9 or an upper-case letter other than I, O and Q ("LSVAM4187C2184530")',
      zh: '车辆识别代号（VIN）：17 个字符，每个为数字 0–9 或除 I、O、Q 外的大写字母（如 "LSVAM4187C2184530"）',
    },
  ],
  [
    '^[A-Z][0-9A-Z]{2}$',
    {
      en: 'a vehicle type code: an upper-case letter A–Z, then 2 digits or upper-case letters ("K33", "H11")',
      zh: '车辆类型代码：一个大写字母，再接 2 个数字或大写字母（如 "K33"、"H11"）',
    },
  ],
  // GA-008: 原证件号码
  [
    '^[A-Z]{1,2}[0-9]{7,8}$',
    {
      en: '1 or 2 upper-case letters A–Z, then 7 or 8 digits 0–9 ("C12345678")',
      zh: '1 或 2 个大写字母，再接 7 或 8 位数字（如 "C12345678"）',
    },
  ],
  // GA-013: 结婚证字号
  [
    '^J[0-9]{6}-[0-9]{4}-[0-9]{6}$',
    {
      en: 'a marriage certificate number: "J", 6 digits 0–9, "-", 4 digits, "-" and 6 digits ("J520102-2018-003456")',
      zh: '结婚证字号："J"、6 位数字、"-"、4 位数字、"-" 和 6 位数字（如 "J520102-2018-003456"）',
      not: ['J', '-'],
    },
  ],
  // GA-015, SF-006, WJ-001, YB-008: 出生医学证明编号; GJ-012: a qualification certificate
  [
    '^[A-Z][0-9]{9}$',
    {
      en: 'an upper-case letter A–Z, then 9 digits 0–9 ("D151234567")',
      zh: '一个大写字母，再接 9 位数字（如 "D151234567"）',
    },
  ],
  // GJ-003, GJ-004, GJ-005, GJ-011
  [
    '^[0-9]{4}-(0[1-9]|1[0-2])$',
    {
      en: 'a month as YYYY-MM ("2026-09")',
      zh: '写作 YYYY-MM 的年月（如 "2026-09"）',
    },
  ],
  // HJ-001 … HJ-003
  [
    '^[A-T][0-9]{2,4}$',
    {
      en: 'an industry code of GB/T 4754: its section letter A–T, then 2 to 4 digits 0–9 ("C3011")',
      zh: '国民经济行业代码（GB/T 4754）：门类字母 A–T，再接 2 至 4 位数字（如 "C3011"）',
    },
  ],
  [
    '^DA[0-9]{3}$',
    {
      en: 'an air outlet code: "DA", then 3 digits 0–9 ("DA001")',
      zh: '废气排放口编号："DA" 再接 3 位数字（如 "DA001"）',
      not: ['DA'],
    },
  ],
  [
    '^DW[0-9]{3}$',
    {
      en: 'a water outlet code: "DW", then 3 digits 0–9 ("DW001")',
      zh: '废水排放口编号："DW" 再接 3 位数字（如 "DW001"）',
      not: ['DW'],
    },
  ],
  // HJ-002, HJ-003: 排污许可证编号, 排污登记编号
  [
    '^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}[A-Z]$',
    {
      en: 'the unit\'s unified social credit code (18 characters, each a digit 0–9 or an upper-case letter other than I, O, S, V and Z), then 3 digits 0–9 and an upper-case letter A–Z ("91450103MA5KC8X103001P")',
      zh: '单位的统一社会信用代码（18 个字符，每个为数字 0–9 或除 I、O、S、V、Z 外的大写字母），再接 3 位数字和一个大写字母（如 "91450103MA5KC8X103001P"）',
    },
  ],
  // JY-002
  [
    '^(100(\\.0)?|[1-9]?[0-9](\\.[0-9])?)$',
    {
      en: 'a score from 0 to 100 as a string, with at most one decimal place ("88.5", "100")',
      zh: '0 至 100 的成绩，写作最多一位小数的字符串（如 "88.5"、"100"）',
    },
  ],
  // JY-004
  [
    '^[GJL][0-9]{17}[0-9X]$',
    {
      en: 'a student number: G, J or L, then 17 digits 0–9 and a digit or X ("G510104201403150030")',
      zh: '学籍号：G、J 或 L，再接 17 位数字和一位数字或 X（如 "G510104201403150030"）',
    },
  ],
  // MZ-002, SF-008: 结婚证字号
  [
    '^J[0-9]{6}-[0-9]{4}-[0-9]{4,8}$',
    {
      en: 'a marriage certificate number: "J", 6 digits 0–9, "-", 4 digits, "-" and 4 to 8 digits ("J520102-2020-000517")',
      zh: '结婚证字号："J"、6 位数字、"-"、4 位数字、"-" 和 4 至 8 位数字（如 "J520102-2020-000517"）',
      not: ['J', '-'],
    },
  ],
  // MZ-003: 原证件字号
  [
    '^[JL][0-9]{6}-[0-9]{4}-[0-9]{4,8}$',
    {
      en: 'a marriage ("J") or divorce ("L") certificate number: the letter, 6 digits 0–9, "-", 4 digits, "-" and 4 to 8 digits ("J510104-2015-004417")',
      zh: '结婚证（"J"）或离婚证（"L"）字号：该字母、6 位数字、"-"、4 位数字、"-" 和 4 至 8 位数字（如 "J510104-2015-004417"）',
      not: ['J', 'L', '-'],
    },
  ],
  // MZ-009: a 社会团体's creditCode, besides the shared creditCode check
  [
    '^51',
    {
      en: 'a code beginning "51", as a social organisation\'s registered with civil affairs does ("51510100MJ0L12345L")',
      zh: '以 "51" 开头的代码，即民政部门登记的社会团体的代码（如 "51510100MJ0L12345L"）',
    },
  ],
  // RS-013: 职业编码
  [
    '^[1-8]-[0-9]{2}-[0-9]{2}-[0-9]{2}$',
    {
      en: 'an occupation code: a major group digit 1–8, then three groups of 2 digits, each after "-" ("4-12-01-01")',
      zh: '职业编码：大类数字 1–8，再接三组两位数字，每组前加 "-"（如 "4-12-01-01"）',
      not: ['-'],
    },
  ],
  // SJ-004, SJ-013
  [
    '^[A-T]([0-9]{2,4})?$',
    {
      en: 'an industry code of GB/T 4754: its section letter A–T, alone or followed by 2 to 4 digits 0–9 ("H6291", "H")',
      zh: '国民经济行业代码（GB/T 4754）：门类字母 A–T，可再接 2 至 4 位数字（如 "H6291"、"H"）',
    },
  ],
  // SJ-009: 原生产许可证编号
  [
    '^(\\([\\u4e00-\\u9fa5]\\))?XK[0-9]{2}-[0-9]{3}-[0-9]{5}$',
    {
      en: 'a production licence number: a Chinese character in ( ) if any, then "XK", 2 digits 0–9, "-", 3 digits, "-" and 5 digits ("(云)XK06-001-00123", "XK06-001-00123")',
      zh: '生产许可证编号：可有半角括号 ( ) 括起的一个汉字，再接 "XK"、2 位数字、"-"、3 位数字、"-" 和 5 位数字（如 "(云)XK06-001-00123"、"XK06-001-00123"）',
      not: ['XK', '-'],
    },
  ],
  // SJ-011
  [
    '^食健备G[0-9]{12}$',
    {
      en: 'a health food filing number: "食健备G", then 12 digits 0–9 ("食健备G202152000123")',
      zh: '保健食品备案号："食健备G" 再接 12 位数字（如 "食健备G202152000123"）',
      not: ['食健备G'],
    },
  ],
  [
    '^[0-9]+(\\.[0-9]+)?(mg|g|μg|IU|ml)$',
    {
      en: 'a number followed by its unit, one of mg, g, μg, IU and ml, without a space ("1000mg", "5μg")',
      zh: '数字后紧接单位 mg、g、μg、IU 或 ml，中间不留空格（如 "1000mg"、"5μg"）',
    },
  ],
  [
    '^SC[0-9]{14}$',
    {
      en: 'a food production licence number: "SC", then 14 digits 0–9 ("SC13152011500123")',
      zh: '食品生产许可证编号："SC" 再接 14 位数字（如 "SC13152011500123"）',
      not: ['SC'],
    },
  ],
  // SJ-012
  [
    '^JY[0-9]{14}$',
    {
      en: 'a food business licence number: "JY", then 14 digits 0–9 ("JY15301020012345")',
      zh: '食品经营许可证编号："JY" 再接 14 位数字（如 "JY15301020012345"）',
      not: ['JY'],
    },
  ],
  // SW-002: a quantity of goods
  [
    '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,4})?$',
    {
      en: 'a number as a string, at most 12 digits before the point and at most 4 after ("120", "2.5")',
      zh: '写作字符串的数字，小数点前最多 12 位、小数点后最多 4 位（如 "120"、"2.5"）',
    },
  ],
  // SW-011
  [
    '^(-?(0|[1-9][0-9]{0,14})\\.[0-9]{2})$',
    {
      en: 'an amount in yuan, negative for a loss or a refund, as a string with exactly two decimal places ("480000.00", "-1200.00")',
      zh: '以元为单位的金额（亏损或退税为负数），写作恰好两位小数的字符串（如 "480000.00"、"-1200.00"）',
    },
  ],
  // SW-013: an invoice line's 项目名称, a quantity and a unit price
  [
    '^\\*[^*\\u0000-\\u001f]{1,40}\\*[^\\u0000-\\u001f]{1,80}$',
    {
      en: 'an item name as *short name*name: a short name of 1 to 40 characters between two "*", then the name, 1 to 80 characters, without control characters and without "*" in the short name ("*建筑服务*工程服务")',
      zh: '写作 *简称*名称 的项目名称：两个 "*" 之间为 1 至 40 个字符的简称，其后为 1 至 80 个字符的名称，均不含控制字符，简称中不含 "*"（如 "*建筑服务*工程服务"）',
      not: ['*'],
    },
  ],
  [
    '^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,8})?$',
    {
      en: 'a number as a string, at most 16 digits before the point and at most 8 after ("1", "1100917.43")',
      zh: '写作字符串的数字，小数点前最多 16 位、小数点后最多 8 位（如 "1"、"1100917.43"）',
    },
  ],
  // SW-014: 扣分. The pattern lets the whole part be 100 with decimals after it ("100.5").
  [
    '^(0|[1-9][0-9]?|100)(\\.[0-9]{1,2})?$',
    {
      en: 'a number as a string: a whole part from 0 to 100, then at most 2 decimal places ("3", "2.5")',
      zh: '写作字符串的数字：整数部分为 0 至 100，最多两位小数（如 "3"、"2.5"）',
    },
  ],
  // WL-002
  [
    '^L-[A-Z]{2}-[A-Z0-9]{4,12}$',
    {
      en: 'a travel agency licence number: "L-", 2 upper-case letters A–Z, "-" and 4 to 12 upper-case letters or digits ("L-SC-CJ00321")',
      zh: '旅行社业务经营许可证编号："L-"、2 个大写字母、"-" 和 4 至 12 个大写字母或数字（如 "L-SC-CJ00321"）',
      not: ['L-', '-'],
    },
  ],
  // YB-001 … YB-004, YB-008, YB-009
  [
    '^[HP][0-9]{11}$',
    {
      en: 'a designated institution code: H for a medical institution or P for a pharmacy, then 11 digits 0–9 ("H53010200005")',
      zh: '定点医药机构编码：H（医疗机构）或 P（药店），再接 11 位数字（如 "H53010200005"）',
    },
  ],
  [
    '^[A-Z][0-9]{2}(\\.[0-9A-Za-z]{1,6})?$',
    {
      en: 'an ICD-10 diagnosis code: an upper-case letter A–Z and 2 digits 0–9, then "." and 1 to 6 letters or digits if any ("S82.200", "I10.x00")',
      zh: '疾病诊断代码（ICD-10）：一个大写字母和 2 位数字，可再接 "." 和 1 至 6 个字母或数字（如 "S82.200"、"I10.x00"）',
      not: ['.'],
    },
  ],
  [
    '^[0-9]{2}\\.[0-9A-Za-z]{1,6}$',
    {
      en: 'a procedure code: 2 digits 0–9, "." and 1 to 6 letters or digits ("79.3601")',
      zh: '手术操作代码：2 位数字、"." 和 1 至 6 个字母或数字（如 "79.3601"）',
      not: ['.'],
    },
  ],
  [
    '^M[0-9]{5}$',
    {
      en: 'a chronic or special outpatient disease code: "M", then 5 digits 0–9 ("M03900")',
      zh: '门诊慢特病病种编码："M" 再接 5 位数字（如 "M03900"）',
      not: ['M'],
    },
  ],
  // ZR-001 … ZR-003: 不动产单元号, 不动产权证书号, 不动产登记证明号
  [
    '^[0-9]{12}[A-Z]{2}[0-9]{5}[A-Z][0-9]{8}$',
    {
      en: 'a real estate unit number of 28 characters: 12 digits 0–9, 2 upper-case letters A–Z, 5 digits, an upper-case letter and 8 digits ("530323001002GB00123F00010203")',
      zh: '不动产单元号（28 位）：12 位数字、2 个大写字母、5 位数字、1 个大写字母和 8 位数字（如 "530323001002GB00123F00010203"）',
    },
  ],
  [
    '^[\\u4e00-\\u9fa5]{1,2}[(（][0-9]{4}[)）][\\u4e00-\\u9fa5]{1,30}不动产权第[0-9]{7}号$',
    {
      en: 'a real estate certificate number: 1 or 2 Chinese characters for the province, a 4-digit year in ( ) or （ ）, 1 to 30 Chinese characters for the place, then "不动产权第", 7 digits 0–9 and "号" ("云(2021)师宗县不动产权第0001234号")',
      zh: '不动产权证书号：1 至 2 个汉字的省份简称、半角或全角括号中的 4 位年份、1 至 30 个汉字的地名，再接 "不动产权第"、7 位数字和 "号"（如 "云(2021)师宗县不动产权第0001234号"）',
      not: ['不动产权第', '号'],
    },
  ],
  [
    '^[\\u4e00-\\u9fa5]{1,2}[(（][0-9]{4}[)）][\\u4e00-\\u9fa5]{1,30}不动产证明第[0-9]{7}号$',
    {
      en: 'a real estate registration proof number: 1 or 2 Chinese characters for the province, a 4-digit year in ( ) or （ ）, 1 to 30 Chinese characters for the place, then "不动产证明第", 7 digits 0–9 and "号" ("云(2021)师宗县不动产证明第0000456号")',
      zh: '不动产登记证明号：1 至 2 个汉字的省份简称、半角或全角括号中的 4 位年份、1 至 30 个汉字的地名，再接 "不动产证明第"、7 位数字和 "号"（如 "云(2021)师宗县不动产证明第0000456号"）',
      not: ['不动产证明第', '号'],
    },
  ],
]);
