// Lua scripts run by SHA (issue 7): EVALSHA, falling back to EVAL once when Redis does not hold the
// script yet (a new or restarted Redis, or after SCRIPT FLUSH). Sending a script's text with every
// call cost its whole length on the wire and Redis hashing it; atomic either way. A plain function
// rather than ioredis defineCommand, so the shared connection is not given more methods (ioredis
// copies every defined command onto each multi()/pipeline() it creates).
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis.ts';

export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

export function luaScript(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export async function runScript(
  redis: RedisClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number | Buffer)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.lua, keys.length, ...keys, ...args);
  }
}

/**
 * ioredis makes a Buffer-answering twin of every command, evalsha and eval too, but declares only
 * some: these two are called through this shape. (Not callBuffer('EVALSHA', …): auto-pipelined,
 * as the gateway's connection once was, ioredis sends it without its command name.)
 */
interface BufferScripts {
  evalshaBuffer(...args: (string | number | Buffer)[]): Promise<unknown>;
  evalBuffer(...args: (string | number | Buffer)[]): Promise<unknown>;
}

/** runScript for a script whose answer holds bytes: every string of the answer as a Buffer. */
export async function runScriptBuffer(
  redis: RedisClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number | Buffer)[],
): Promise<unknown> {
  const client = redis as unknown as BufferScripts;
  try {
    return await client.evalshaBuffer(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.evalBuffer(script.lua, keys.length, ...keys, ...args);
  }
}
