// The answer of a bulk replay, written once for the dead letters' and the failed callbacks'
// (admin-routes.ts, failed-callback-routes.ts): what was queued again, what someone else replayed
// meanwhile (named by the kind's own id, with its code), and how many are left. `extra` adds the
// kind's own members after these (the callbacks' `failedBefore`).
export function bulkReplayAnswer(
  idName: string,
  extra: Record<string, object> = {},
): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      replayed: { type: 'array', items: { type: 'string' } },
      skipped: {
        type: 'array',
        items: {
          type: 'object',
          properties: { [idName]: { type: 'string' }, code: { type: 'string' } },
          required: [idName, 'code'],
        },
      },
      remaining: { type: 'integer', minimum: 0 },
      ...extra,
    },
    required: ['replayed', 'skipped', 'remaining', ...Object.keys(extra)],
  };
}
