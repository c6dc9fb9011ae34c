// Rule 4 (gateway/README.md#routing-rules), in the documented order: the item is published, enabled
// in every handling province (the catalogue's enabledProvinces, overridden per member by the
// alliance config), and offers the requested mode (schemas/README.md#modes: online 全程网办, proxy
// 异地代收代办, joint 多地联办).
import type { CatalogueItem, Mode } from '../../catalogue/catalogue-item.ts';
import type { DivisionTable } from '../../divisions/division-table.ts';
import { isItemEnabled, type Alliance } from '../alliance.ts';
import {
  fail,
  pass,
  provinceLabel,
  type RegionRef,
  type RuleFailure,
  type RulePass,
} from './rule-result.ts';

const MODE_ZH: Readonly<Record<Mode, string>> = {
  online: '全程网办',
  proxy: '异地代收代办',
  joint: '多地联办',
};

export function checkItemOffered(
  item: CatalogueItem | undefined,
  mode: Mode,
  handling: readonly RegionRef[],
  alliance: Alliance,
  divisions: DivisionTable,
): RuleFailure | (RulePass & { readonly item: CatalogueItem }) {
  if (!item)
    return fail(
      'GW_ITEM_NOT_FOUND',
      '/itemCode',
      'the item has no published version',
      '该事项没有已发布的版本',
    );
  for (const { code, path, label, labelZh } of handling) {
    const province = code.slice(0, 2);
    if (!isItemEnabled(alliance, item, province)) {
      const name = provinceLabel(province, divisions);
      return fail(
        'GW_ITEM_NOT_ENABLED',
        path,
        `item ${item.code} is not enabled in ${name}, the province of ${label} ${code}`,
        `事项 ${item.code}(${item.name})未在${labelZh} ${code} 所在的${name}开通`,
      );
    }
  }
  if (!item.modes.includes(mode))
    return fail(
      'GW_MODE_NOT_OFFERED',
      '/mode',
      `item ${item.code} offers ${item.modes.join(', ')}, not ${mode}`,
      `事项 ${item.code}(${item.name})不支持${MODE_ZH[mode]},可选:${item.modes.map((m) => MODE_ZH[m]).join('、')}`,
    );
  const detail = () => {
    const provinces = new Set(handling.map((r) => provinceLabel(r.code.slice(0, 2), divisions)));
    return `item ${item.code} v${item.version} is enabled in ${[...provinces].join(', ')} and offers ${mode}`;
  };
  return { ...pass(detail), item };
}
