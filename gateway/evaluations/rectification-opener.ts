// What an evaluation needs from rectification (gateway/README.md#rectification-lifecycle), as an
// interface the rectifications feature implements (gateway/rectifications/open-rectification.ts)
// and the composition root passes in: a 差评 builds its rectification here, the evaluation's own
// Lua step stores it, and the rectification's listeners then hear it was opened. Evaluations thus
// never import rectifications; rectifications build on evaluations.
import type { Evaluation } from './evaluation.ts';
import type { Opening } from './evaluation-store.ts';

/** A rectification built for a 差评, before it is stored. */
export interface OpenedRectification {
  id: string;
  status: string;
  visitDueAt: string;
  dueAt: string;
  /** What the evaluation's Lua step stores. */
  stored: Opening;
}

export interface RectificationOpener {
  /** Builds the rectification a 差评 opens (owner, deadlines); stores nothing. */
  open(evaluation: Evaluation, callbackUrl: string | undefined, now: Date): OpenedRectification;
  /** Tells the rectification's listeners (督办 tracking) it is open; a repeat is harmless. */
  opened(id: string): Promise<void>;
}
