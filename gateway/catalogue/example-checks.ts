// An item version's examples (schemas/README.md#files) are what a portal developer copies, so each
// must do what it claims: every valid envelope passes the whole validation a portal's submission
// passes (envelope, identifiers, payload schema, cross-field rules) in one of the item's modes,
// and every invalid one is refused at its pointer with its keyword or rule name. One home for
// `npm run catalogue:check` (scripts/check-items.ts) and an operator's draft
// (draft-validation/validate-item-draft.ts); problems point into the examples document.
import type { FieldProblem } from '../shared/errors.ts';
import type { CatalogueItem } from './catalogue-item.ts';
import type { ItemExamples } from './item-files.ts';
import type { ItemProblem } from './item-schema-checks.ts';

/** The refusals of one envelope: none when it is accepted. */
export type EnvelopeProblems = (envelope: unknown) => FieldProblem[];

// The gateway points a missing or extra property at the property itself (field-problems.ts), and
// a portal developer checks an invalid example against the answer it gets: the example names
// exactly that pointer (`/payload/lawyer`, not its object `/payload`).
function locates(example: { pointer: string; keyword: string }, problem: FieldProblem): boolean {
  return problem.keyword === example.keyword && problem.path === example.pointer;
}

const where = (p: FieldProblem) => `${p.keyword ?? ''}@${p.path}`;

/** Every example that does not do what it claims, located in the examples document. */
export function exampleProblems(
  item: Pick<CatalogueItem, 'modes'>,
  examples: ItemExamples,
  problemsOf: EnvelopeProblems,
): ItemProblem[] {
  const out: ItemProblem[] = [];
  examples.valid.forEach((envelope, i) => {
    for (const p of problemsOf(envelope))
      out.push({
        path: `/valid/${i}${p.path}`,
        message: `valid[${i}] ${where(p)}: ${p.message}`,
        messageZh: `合法示例 ${i} 被拒绝:${p.messageZh}`,
      });
    const mode = (envelope as { mode?: unknown }).mode;
    if (!(item.modes as readonly unknown[]).includes(mode))
      out.push({
        path: `/valid/${i}/mode`,
        message: `valid[${i}] mode ${String(mode)} not in ${item.modes.join(',')}`,
        messageZh: `合法示例 ${i} 的办理模式 ${String(mode)} 不在事项的模式 ${item.modes.join('、')} 之中`,
      });
  });
  examples.invalid.forEach((example, i) => {
    const problems = problemsOf(example.envelope);
    if (problems.length === 0)
      out.push({
        path: `/invalid/${i}`,
        message: `invalid[${i}] passes`,
        messageZh: `非法示例 ${i} 竟被接受`,
      });
    else if (!problems.some((p) => locates(example, p))) {
      const got = problems.map(where).join(', ');
      out.push({
        path: `/invalid/${i}/pointer`,
        message: `invalid[${i}] expected ${example.keyword} at ${example.pointer}, got ${got}`,
        messageZh: `非法示例 ${i} 应在 ${example.pointer} 因 ${example.keyword} 被拒绝,实际为 ${got}`,
      });
    }
  });
  return out;
}
