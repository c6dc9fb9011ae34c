// Each logged-in enterprise's fair share of the portal (README.md#the-taxpayer-portal). The portal
// talks to the gateway as one client, under one rate limit shared by all its taxpayers: one
// session (or a script holding a stolen one) that opened streams by the hundred, or pressed 缴款 or
// 评价 in a loop, used up that budget, and every other taxpayer was answered 跨省通办平台繁忙. So each
// login may hold at most PORTAL_SESSION_STREAMS live case streams at once, open at most
// PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE of them a minute (each opening reads the case from the
// gateway: a loop that opened and closed one stream stayed under the first bound and cost a read
// each time), send at most PORTAL_SESSION_WRITES_PER_MINUTE payments, ratings and re-ratings a
// minute and make at most PORTAL_SESSION_READS_PER_MINUTE reads that reach the gateway (the case,
// the payment form's item, the receipt: a script looping GET /api/cases/{id} cost a gateway read
// each time) — bounds a clerk never meets — and past them is answered 429 PORTAL_SESSION_BUSY with a
// Retry-After and a title that says it is this login, not the platform. Counted per portal process
// (a stream lives in one).
import type { RequestHandler, Response } from 'express';
import { sessionOf } from './session-guard.ts';

export const SESSION_BUSY = 'PORTAL_SESSION_BUSY';
export const SESSION_STREAMS_TITLE = '您本账号打开的办件实时页面过多，请关闭部分页面后再试';
export const SESSION_OPENINGS_TITLE =
  '您本账号打开办件实时页面过于频繁，请稍后再试（并非平台繁忙）';
export const SESSION_WRITES_TITLE = '您本账号提交过于频繁，请稍后再试（并非平台繁忙）';
export const SESSION_READS_TITLE = '您本账号查询过于频繁，请稍后再试（并非平台繁忙）';

/** A stream refused is tried again by the page after this long, by when a page may have closed. */
const STREAM_RETRY_SECONDS = 10;
const WINDOW_MS = 60_000;

export interface FairnessLimits {
  /** Live case streams one login may hold at once. */
  readonly streams: number;
  /** Live case streams one login may open in a minute. */
  readonly streamOpeningsPerMinute: number;
  /** Payments, ratings and re-ratings one login may send in a minute. */
  readonly writesPerMinute: number;
  /** Reads that reach the gateway (a case, the payment form's item, a receipt) one login may make in a minute. */
  readonly readsPerMinute: number;
}

function busy(res: Response, retryAfterSeconds: number, title: string, page = false): void {
  res.status(429).set('Retry-After', String(retryAfterSeconds));
  // A page (the receipt) is answered in words, as its other refusals are; a call, in JSON.
  if (page) res.type('text').send(title);
  else res.json({ code: SESSION_BUSY, title, retryAfterSeconds });
}

/** What each login did in its current minute, counted from its first in that minute. */
class PerMinute {
  readonly #limit: number;
  /** Per login: when its current minute began and how many it counted in it. */
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Counts one for `login`; past its limit counts nothing and says how many seconds to wait. */
  take(login: string, now: number): { waitSeconds: number } | undefined {
    this.#forgetPast(now);
    const window = this.#windows.get(login);
    if (!window || now - window.start >= WINDOW_MS) {
      this.#windows.set(login, { start: now, count: 1 });
      return undefined;
    }
    if (window.count >= this.#limit)
      return { waitSeconds: Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000)) };
    window.count += 1;
    return undefined;
  }

  /** Every login counted once kept its entry: ended minutes go, so the map stays small. */
  #forgetPast(now: number): void {
    if (this.#windows.size < 1024) return;
    for (const [login, window] of this.#windows)
      if (now - window.start >= WINDOW_MS) this.#windows.delete(login);
  }
}

export class SessionFairness {
  readonly #limits: FairnessLimits;
  readonly #now: () => number;
  readonly #streams = new Map<string, number>();
  readonly #openings: PerMinute;
  readonly #writes: PerMinute;
  readonly #reads: PerMinute;

  constructor(limits: FairnessLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
    this.#openings = new PerMinute(limits.streamOpeningsPerMinute);
    this.#writes = new PerMinute(limits.writesPerMinute);
    this.#reads = new PerMinute(limits.readsPerMinute);
  }

  /**
   * Before a stream's handler: refuses a login at its bound of open streams (a refusal costs the
   * gateway nothing, so it is not an opening) or of openings this minute, else counts the stream
   * until its connection closes (whatever ends it: the page, the network, the server).
   */
  readonly stream: RequestHandler = (_req, res, next) => {
    const login = sessionOf(res).account.login;
    const open = this.#streams.get(login) ?? 0;
    if (open >= this.#limits.streams) return busy(res, STREAM_RETRY_SECONDS, SESSION_STREAMS_TITLE);
    const over = this.#openings.take(login, this.#now());
    if (over) return busy(res, over.waitSeconds, SESSION_OPENINGS_TITLE);
    this.#streams.set(login, open + 1);
    res.once('close', () => {
      const left = (this.#streams.get(login) ?? 1) - 1;
      if (left > 0) this.#streams.set(login, left);
      else this.#streams.delete(login);
    });
    next();
  };

  /** Before a payment, a rating or a re-rating: at most writesPerMinute in each login's minute. */
  readonly write: RequestHandler = (_req, res, next) => {
    const over = this.#writes.take(sessionOf(res).account.login, this.#now());
    if (over) return busy(res, over.waitSeconds, SESSION_WRITES_TITLE);
    next();
  };

  /** Before a call's read that reaches the gateway: at most readsPerMinute in each login's minute. */
  readonly read: RequestHandler = (_req, res, next) => this.#read(res, next, false);

  /** The same count before a page's read (the receipt), refused in words. */
  readonly pageRead: RequestHandler = (_req, res, next) => this.#read(res, next, true);

  #read(res: Response, next: () => void, page: boolean): void {
    const over = this.#reads.take(sessionOf(res).account.login, this.#now());
    if (over) return busy(res, over.waitSeconds, SESSION_READS_TITLE, page);
    next();
  }
}
