// A process cannot start: Redis missing, unreachable, too old or evicting, or a step of the start
// that needs it failed. On its own, without ioredis: a start's failure report
// (shared/start-failure.ts) imports it on every start, refused ones too (shared/redis.ts
// re-exports it).
export class StartupError extends Error {
  override name = 'StartupError';
}
