// Whether a client's secret rotation may go on to step 4, drop the old secret
// (README.md#rotating-a-clients-secret), from what the clients' listing says (client-listing.ts):
// the console's 接入客户端 and `npm run cli -- clients list` word the same judgement.
//
// Step 4 is advised once the old secret has gone unused for QUIET_MINUTES and the new one has been
// accepted since: an hour is well past any portal's rolling restart (step 2) and a client's
// hourly jobs, and the new secret's use shows the client did switch rather than fall silent. A
// client that signs less often than hourly (a weekly batch) is the operator's to know.
import type { ClientRotation } from './client-listing.ts';

export const QUIET_MINUTES = 60;

export type RotationProgress =
  /** No previous secret here and no use of one recorded: nothing to show. */
  | { readonly state: 'none' }
  /** This gateway no longer has the previous secret (step 4 done here); uses may still show. */
  | { readonly state: 'dropped' }
  /**
   * The old secret quiet, but the new one not accepted since the old one last was (or never):
   * the client has not switched (step 2), or has not called since.
   */
  | { readonly state: 'new-unused' }
  /** The old secret was accepted within QUIET_MINUTES. */
  | { readonly state: 'old-in-use'; readonly minutes: number }
  /** Step 4 may go ahead: the old secret unused for `minutes` (null: none recorded). */
  | { readonly state: 'ready'; readonly minutes: number | null };

/** Whole minutes from `at` to `now` (0 for a time not yet past, as a clock a little behind). */
export function minutesSince(at: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(at)) / 60_000));
}

export function rotationProgress(rotation: ClientRotation, now: Date): RotationProgress {
  if (!rotation.previousSecret)
    return rotation.previous === null ? { state: 'none' } : { state: 'dropped' };
  const { current, previous } = rotation;
  const minutes = previous === null ? null : minutesSince(previous.at, now);
  if (minutes !== null && minutes < QUIET_MINUTES) return { state: 'old-in-use', minutes };
  if (current === null || (previous !== null && Date.parse(current.at) < Date.parse(previous.at)))
    return { state: 'new-unused' };
  return { state: 'ready', minutes };
}
