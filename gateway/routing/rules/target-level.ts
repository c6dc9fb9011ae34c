// Rule 6 (gateway/README.md#routing-rules): the target division is each handling region lifted to
// the item's level (county keeps 530323, prefecture → 530300, province → 530000): the case goes to
// the authority that holds the power. A region coarser than the level cannot name that authority,
// so it is refused (GW_REGION_TOO_COARSE) rather than guessed.
import type { Level } from '../../catalogue/catalogue-item.ts';
import type { DivisionTable } from '../../divisions/division-table.ts';
import {
  fail,
  LEVEL_ZH,
  named,
  pass,
  type RegionRef,
  type RuleFailure,
  type RulePass,
} from './rule-result.ts';

export interface LiftedRegion {
  readonly ref: RegionRef;
  /** The division at the item's level that handles the case. */
  readonly target: string;
}

export function checkTargetLevel(
  handling: readonly RegionRef[],
  level: Level,
  divisions: DivisionTable,
): RuleFailure | (RulePass & { readonly lifted: readonly LiftedRegion[] }) {
  const lifted: LiftedRegion[] = [];
  for (const ref of handling) {
    const { code, path, label, labelZh } = ref;
    const target = divisions.lift(code, level);
    if (target === undefined) {
      const actual = divisions.get(code)?.level ?? 'county';
      return fail(
        'GW_REGION_TOO_COARSE',
        path,
        `${label} ${named(code, divisions)} is a ${actual}, coarser than the item's level (${level}); give the ${level} that handles the case`,
        `${labelZh} ${named(code, divisions)} 为${LEVEL_ZH[actual]}区划,事项办理层级为${LEVEL_ZH[level]},请填写${LEVEL_ZH[level]}办理地`,
      );
    }
    lifted.push({ ref, target });
  }
  const detail = () => lifted.map(({ ref, target }) => `${ref.code} → ${named(target, divisions)}`);
  return { ...pass(() => `${level} level: ${detail().join('; ')}`), lifted };
}
