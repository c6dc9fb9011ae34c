// Chinese names the catalogue pages show beside the catalogue's codes: departments (the item code's
// prefix), subjects, modes, levels and scopes (a code the table does not know is shown as it is).
import { html, type SafeHtml } from './html.ts';

export const DEPARTMENT_ZH: Readonly<Record<string, string>> = {
  GA: '公安',
  RS: '人力资源社会保障',
  YB: '医疗保障',
  GJ: '住房公积金',
  SJ: '市场监管',
  SF: '司法行政',
  HJ: '生态环境',
  ZR: '自然资源',
  JT: '交通运输',
  MZ: '民政',
  SW: '税务',
  WJ: '卫生健康',
  JY: '教育',
  TY: '退役军人事务',
  NY: '农业农村',
  CL: '残联',
  WL: '文化和旅游',
};

export const SUBJECT_ZH: Readonly<Record<string, string>> = {
  person: '自然人',
  enterprise: '法人',
  both: '自然人和法人',
};

export const MODE_ZH: Readonly<Record<string, string>> = {
  online: '全程网办',
  proxy: '代收代办',
  joint: '多地联办',
};

export const LEVEL_ZH: Readonly<Record<string, string>> = {
  province: '省级',
  prefecture: '市级',
  county: '县级',
};

export const SCOPE_ZH: Readonly<Record<string, string>> = {
  national: '全国',
  regional: '区域',
};

/** `税务 SW`: the Chinese name with the code in the English type. */
export function coded(names: Readonly<Record<string, string>>, code: string): SafeHtml {
  return html`${names[code] ?? code} <span class="en">${code}</span>`;
}

/**
 * An item's 承诺时限 as the catalogue pages show it: 0 promised working days is an immediate item
 * (即办, decided at once: schemas/README.md, metadata), never "0 个工作日", which read as a
 * missing value.
 */
export function promisedTime(days: number): SafeHtml {
  if (days === 0)
    return html`<span data-promised-days="0"
      >即办 <span class="en">same day (immediate)</span></span
    >`;
  return html`<span data-promised-days="${days}"
    >${days} 个工作日 <span class="en">${days} working day${days === 1 ? '' : 's'}</span></span
  >`;
}
