// What a case page receives about a case (README.md#the-taxpayer-portal): the gateway's view
// (GET /v1/cases/{id}, personal fields already masked) cut to what the taxpayer's page shows —
// status and phase, the history, the result, the linked cases, the province's case number, and
// the 好差评 rating kept for it (so a rated case shows 已评价, not the form, case-rating.ts). A
// rating an upheld appeal voided is still the case's one rating — the gateway refuses another
// (409 GW_ALREADY_EVALUATED) and no re-rating follows it — so it is kept too, marked voided, and
// the page says it was withdrawn and cannot be given again. A 差评 opens a rectification by the
// handling province (回访, then 整改 or 说明), which the taxpayer follows on the same page: its
// status and deadlines, China dates, and once closed the re-rating that closed it (no comment).
import { chinaTime } from '../../gateway/shared/china-time.ts';
import { deliveryWait, type DeliveryWait } from './delivery-wait.ts';
import type { GatewayCase, GatewayRectification } from './gateway-link.ts';

/** The rectification of the case's 差评, as the page shows it (times in China time). */
export interface FollowedRectification {
  readonly status: string;
  readonly visitDueAt: string;
  readonly dueAt: string;
  readonly reRatingDueAt: string | null;
  /** Once CLOSED: the re-rating that closed it (`default`: 基本满意, the window ended). */
  readonly reRating: { level: number; source: string; shownAt: string } | null;
}

/** The rating of the case's handling party (the one the portal rates), without its comment. */
export interface KeptRating {
  readonly level: number;
  /** `default`: nobody rated within the window, the gateway recorded 基本满意. */
  readonly source: 'applicant' | 'default';
  readonly at: string;
  /** `at` as the page shows it, China time to the second (shownAt). */
  readonly shownAt: string;
  /**
   * An upheld 申诉复核 found it untrue: it no longer counts (gateway/README.md#rectification-lifecycle,
   * appeal-upheld), and the case cannot be rated again.
   */
  readonly voided: boolean;
}

export interface CasePageView {
  readonly caseId: string;
  readonly status: string;
  readonly phase: { key: string; zh: string };
  readonly provinceCaseNo: string | null;
  readonly result: Record<string, unknown> | null;
  readonly relatedCases: readonly { caseId: string; relation: string }[];
  readonly history: readonly { at: string; shownAt: string; status: string; note?: string }[];
  readonly rating: KeptRating | null;
  readonly rectification: FollowedRectification | null;
  /** A case its province has not taken yet (delivery-wait.ts). */
  readonly delivery: DeliveryWait | null;
  readonly createdAt: string;
}

/**
 * A time as the case page shows it: China time to the second, written by the gateway's one
 * formatter (gateway/shared/china-time.ts), as the home page and the operator console write theirs.
 * The page had a formatter of its own (2026/12/04 03:09:11 beside the home page's 2026-12-04 03:09).
 */
export const shownAt = (iso: string): string => chinaTime(iso, { seconds: true });

export function keptRating(view: GatewayCase): KeptRating | null {
  const kept = view.evaluations?.find((e) => e.rated === 'handling');
  return kept
    ? {
        level: kept.level,
        source: kept.source,
        at: kept.at,
        shownAt: shownAt(kept.at),
        voided: kept.voided === true,
      }
    : null;
}

export function followed(r: GatewayRectification | null): FollowedRectification | null {
  if (!r) return null;
  const day = (iso: string) => chinaTime(iso).slice(0, 10);
  return {
    status: r.status,
    visitDueAt: day(r.visitDueAt),
    dueAt: day(r.dueAt),
    reRatingDueAt: r.reRatingDueAt ? day(r.reRatingDueAt) : null,
    reRating: r.reRating
      ? { level: r.reRating.level, source: r.reRating.source, shownAt: shownAt(r.reRating.at) }
      : null,
  };
}

export function casePageView(
  view: GatewayCase,
  rectification: GatewayRectification | null,
  /** PORTAL_DELIVERY_NOTICE_SECONDS, in ms (delivery-wait.ts). */
  deliveryNoticeMs: number,
): CasePageView {
  return {
    caseId: view.caseId,
    status: view.status,
    phase: view.phase,
    provinceCaseNo: view.provinceCaseNo,
    result: view.result,
    relatedCases: view.relatedCases ?? [],
    history: view.history.map((h) => ({
      at: h.at,
      shownAt: shownAt(h.at),
      status: h.status,
      ...(h.note ? { note: h.note } : {}),
    })),
    rating: keptRating(view),
    rectification: followed(rectification),
    delivery: deliveryWait(view, deliveryNoticeMs),
    createdAt: view.createdAt,
  };
}
