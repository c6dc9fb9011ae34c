// A line diff for the console's side-by-side view of a draft against the published version
// (catalogue-draft-diff.ts). Both sides are pretty-printed JSON, and an operator's edit is
// usually small: the common head and tail are matched first, then the changed middle by a longest
// common subsequence. A middle too large for that table (a whole schema replaced) is shown as
// removed then added, which is still a correct diff, only a coarser one. No dependency: this is all
// the console needs of a diff library.

export type DiffRow =
  | { readonly kind: 'same'; readonly left: string; readonly right: string }
  | { readonly kind: 'removed'; readonly left: string }
  | { readonly kind: 'added'; readonly right: string }
  | { readonly kind: 'changed'; readonly left: string; readonly right: string };

/** How many lines `a` and `b` share at their start (`head`) and, after that, at their end (`tail`). */
function commonEnds(a: readonly string[], b: readonly string[]): { head: number; tail: number } {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return { head, tail };
}

/** Cells of the LCS table above which the middle is not aligned line by line. */
const MAX_CELLS = 4_000_000;

function middleDiff(a: readonly string[], b: readonly string[]): DiffRow[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((right) => ({ kind: 'added', right }));
  if (m === 0) return a.map((left) => ({ kind: 'removed', left }));
  if (n * m > MAX_CELLS)
    return [
      ...a.map((left): DiffRow => ({ kind: 'removed', left })),
      ...b.map((right): DiffRow => ({ kind: 'added', right })),
    ];
  // lcs[i * (m + 1) + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      rows.push({ kind: 'same', left: a[i]!, right: b[j]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) {
      rows.push({ kind: 'removed', left: a[i++]! });
    } else {
      rows.push({ kind: 'added', right: b[j++]! });
    }
  }
  while (i < n) rows.push({ kind: 'removed', left: a[i++]! });
  while (j < m) rows.push({ kind: 'added', right: b[j++]! });
  return rows;
}

/** Pairs a run of removed lines with the added run right after it, as changed rows. */
function pairChanges(rows: readonly DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  let k = 0;
  while (k < rows.length) {
    if (rows[k]!.kind !== 'removed') {
      out.push(rows[k++]!);
      continue;
    }
    const removed: string[] = [];
    while (k < rows.length && rows[k]!.kind === 'removed')
      removed.push((rows[k++] as { left: string }).left);
    const added: string[] = [];
    while (k < rows.length && rows[k]!.kind === 'added')
      added.push((rows[k++] as { right: string }).right);
    const paired = Math.min(removed.length, added.length);
    for (let p = 0; p < paired; p++)
      out.push({ kind: 'changed', left: removed[p]!, right: added[p]! });
    for (const left of removed.slice(paired)) out.push({ kind: 'removed', left });
    for (const right of added.slice(paired)) out.push({ kind: 'added', right });
  }
  return out;
}

/** The rows of a side-by-side diff of `before` and `after`, split into lines. */
export function lineDiff(before: string, after: string): DiffRow[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const { head, tail } = commonEnds(a, b);
  const same = (lines: readonly string[]) =>
    lines.map((line): DiffRow => ({ kind: 'same', left: line, right: line }));
  return [
    ...same(a.slice(0, head)),
    ...pairChanges(middleDiff(a.slice(head, a.length - tail), b.slice(head, b.length - tail))),
    ...same(a.slice(a.length - tail)),
  ];
}
