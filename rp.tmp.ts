import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
const r = new Redis('redis://127.0.0.1:6391', { enableAutoPipelining: true });
const rl = new RateLimiterRedis({ storeClient: r, keyPrefix: 'rl', points: 100000, duration: 1 });
for (const flush of [false, true]) {
  if (flush) await r.script('FLUSH');
  try {
    const out = await Promise.all(Array.from({ length: 50 }, (_, i) => Promise.all([r.get('x'), rl.consume('c' + (i % 3)), r.evalsha('0000000000000000000000000000000000000000', 0).catch(() => 1), r.set('n' + i + flush, '1', 'EX', 10, 'NX')])));
    console.log('ok', out.length);
  } catch (e) { console.log('err', e); }
}
r.disconnect();
