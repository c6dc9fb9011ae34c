// The contract of resolveRoute (gateway/README.md#routing-rules): what goes in, what comes out.
// Both the submit path and GET /v1/routes/resolve use it, so the two can never disagree
// (gateway/README.md#routing-is-a-pure-function).
import type { CatalogueItem, Level, Mode } from '../catalogue/catalogue-item.ts';
import type { DivisionTable } from '../divisions/division-table.ts';
import type { ErrorCode } from '../shared/errors.ts';
import type { Alliance } from './alliance.ts';
import type { RouteTable } from './route-table.ts';

export interface Party {
  readonly role: string;
  readonly region: string;
}

export interface RouteRequest {
  /** The published item version; undefined when none is published (refused). */
  readonly item: CatalogueItem | undefined;
  readonly mode: Mode;
  readonly receivingRegion: string;
  /** online and proxy only. */
  readonly handlingRegion?: string;
  /** joint only: one party per authority acting on its own step (schemas/README.md#modes). */
  readonly parties?: readonly Party[];
  /** The submitting portal's 2-digit province (rule 5); undefined for operators: no check. */
  readonly portalProvince?: string;
  /** Submission date, YYYY-MM-DD, in China Standard Time; passed in to keep routing pure. */
  readonly date: string;
}

export interface RoutingContext {
  readonly divisions: DivisionTable;
  readonly alliance: Alliance;
  readonly routes: RouteTable;
}

export type RuleName =
  | 'request-shape'
  | 'divisions-exist'
  | 'alliance-membership'
  | 'cross-province'
  | 'item-offered'
  | 'portal-may-collect'
  | 'target-level'
  | 'adapter-match';

export interface Reason {
  readonly rule: RuleName;
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export interface Route {
  readonly adapter: string;
  /** The handling region lifted to the item's level (rule 6). */
  readonly targetRegion: string;
  readonly level: Level;
}

export interface JointChild {
  readonly role: string;
  readonly region: string;
  readonly route: Route;
}

export interface RoutedDecision {
  readonly decision: 'routed';
  readonly route: Route;
  readonly reasons: readonly Reason[];
}

export interface RoutedJointDecision {
  readonly decision: 'routed';
  readonly children: readonly JointChild[];
  readonly reasons: readonly Reason[];
}

export interface RefusedDecision {
  readonly decision: 'refused';
  readonly code: ErrorCode;
  readonly detail: string;
  readonly detailZh: string;
  /** JSON pointer into the submission envelope, e.g. '/handlingRegion' or '/parties/1/region'. */
  readonly path: string;
  /** Every rule applied, in order, ending with the failed one; never empty unless not asked for. */
  readonly reasons: readonly Reason[];
}

export type RouteDecision = RoutedDecision | RoutedJointDecision | RefusedDecision;
