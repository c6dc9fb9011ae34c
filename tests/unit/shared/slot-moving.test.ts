// Which errors the delivery worker waits out instead of spending an attempt (gateway/shared/
// slot-moving.ts): Redis Cluster's refusals while a slot moves, as a node sends them and as ioredis
// gives up on them; never a province's failure, whatever its message, nor a node out of reach.
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { isSlotMoving } from '../../../gateway/shared/slot-moving.ts';

// ioredis types its ReplyError `any`: the class a node's error reply is made of.
const NodeReply = ReplyError as new (message: string) => Error;
const reply = (message: string): Error => new NodeReply(message);
const gaveUp = (last: string) => new Error(`Too many Cluster redirections. Last error: ${last}`);

describe('isSlotMoving', () => {
  it('is true of a node refusing a split slot (TRYAGAIN, ASK, MOVED, CLUSTERDOWN) and of ioredis giving up on one', () => {
    expect(isSlotMoving(reply('TRYAGAIN Multiple keys request during rehashing of slot'))).toBe(
      true,
    );
    expect(isSlotMoving(reply('ASK 2975 127.0.0.1:7001'))).toBe(true);
    expect(isSlotMoving(reply('CLUSTERDOWN The cluster is down'))).toBe(true);
    expect(
      isSlotMoving(gaveUp('ReplyError: TRYAGAIN Multiple keys request during rehashing of slot')),
    ).toBe(true);
    expect(isSlotMoving(gaveUp('ReplyError: MOVED 2975 127.0.0.1:35029'))).toBe(true);
  });

  it('is false of a province failure whose message starts like one, of other Redis errors and of a node out of reach', () => {
    expect(isSlotMoving(new TransientDeliveryError('ASK the province again later'))).toBe(false);
    expect(isSlotMoving(new Error('TRYAGAIN'))).toBe(false);
    expect(isSlotMoving(reply('NOSCRIPT No matching script'))).toBe(false);
    expect(isSlotMoving(gaveUp('Error: Connection is closed.'))).toBe(false);
    expect(isSlotMoving(new Error('Command timed out'))).toBe(false);
    expect(isSlotMoving('TRYAGAIN')).toBe(false);
  });
});
