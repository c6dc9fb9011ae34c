// How rule messages name a division: its code and, when the table knows it, its name.
import type { DivisionTable } from '../../divisions/division-table.ts';

export function namedDivision(code: string, table: DivisionTable): string {
  const name = table.get(code)?.name;
  return name ? `${code} ${name}` : code;
}
