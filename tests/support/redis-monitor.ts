// What reaches a Redis from its clients, through MONITOR on a raw socket of its own. ioredis's
// `monitor()` sets its connection's status to monitoring one microtask after MONITOR's +OK, so a
// command seen in the same read as that +OK fails its command queue ("Command queue state error"):
// an outbox-relay test failed so, once in several CI runs. Here nothing is parsed as a reply after
// the +OK: every later line is a command seen.
import { connect } from 'node:net';
import { testRedisUrl } from './redis.ts';

export interface SeenCommand {
  /** The command and its arguments, unquoted (Redis's escapes kept as written). */
  readonly args: string[];
  /** The client's address, or `lua` for a command a script ran. */
  readonly source: string;
}

export interface RedisMonitor {
  readonly seen: SeenCommand[];
  stop(): void;
}

const LINE = /^\+[0-9.]+ \[\d+ ([^\]]+)\] (.*)$/;
const ARG = /"((?:[^"\\]|\\.)*)"/g;

/** Starts MONITOR; resolves once Redis has answered +OK, so every command sent after it is seen. */
export function monitorRedis(url = testRedisUrl()): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const seen: SeenCommand[] = [];
  let buffered = '';
  let started = false;
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!started) {
          if (line !== '+OK') {
            reject(new Error(`MONITOR answered ${line}`));
            socket.destroy();
            return;
          }
          started = true;
          resolve({ seen, stop: () => socket.destroy() });
          continue;
        }
        const match = LINE.exec(line);
        if (match)
          seen.push({ source: match[1]!, args: [...match[2]!.matchAll(ARG)].map((m) => m[1]!) });
      }
    });
  });
}
