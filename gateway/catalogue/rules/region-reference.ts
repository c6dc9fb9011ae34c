// Helpers of the rules that compare a payload field with a region (within-region.ts,
// within-party-region.ts, tax-authority-in-region.ts).
import type { DivisionTables } from '../../divisions/load-division-table.ts';
import type { DivisionTable } from '../../divisions/division-table.ts';
import type { Located } from './cross-field-rule.ts';

/** How rule messages name a division: its code and, when the table knows it, its name. */
export function namedDivision(code: string, table: DivisionTable): string {
  const name = table.get(code)?.name;
  return name ? `${code} ${name}` : code;
}

// The envelope's routing regions are judged by the routing rules, after the payload stage.
const ROUTING_FIELDS = new Set(['handlingRegion', 'receivingRegion', 'parties']);

/**
 * Whether a rule must stay silent about `reference`: a routing region of the envelope that is
 * not a member division (北京 110105, a retired or 12-digit code) is refused by routing with its
 * precise reason (GW_NOT_MEMBER, GW_DIVISION_UNKNOWN), which a "not within" would only hide.
 * A payload region the national table does not hold has been refused by its keyword already.
 */
export function leaveToRouting(reference: Located<string>, divisions: DivisionTables): boolean {
  const routing = ROUTING_FIELDS.has(reference.pattern[0] ?? '');
  const table = routing ? divisions.member : divisions.national;
  return !table.has(reference.value);
}
