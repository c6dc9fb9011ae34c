// The two things in ioredis that keep a request's Redis commands, their arguments and answers alive
// through young-generation GCs (gateway/README.md#garbage-collection): the auto-pipeline's own
// accessor and each command's own reject function, which V8 allocates in old space. They are
// ioredis's, not ours; these checks fail when an ioredis upgrade moves the accessor or the reject
// function off each instance, so that the README's account and its figures are revisited then.
// (That V8 allocates them in old space is not visible from JavaScript: young-gc.ts measures it.)
import { Command, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ownAccessors } from '../support/own-accessors.ts';

describe('ioredis objects that survive young-generation GCs', () => {
  const redis = new Redis({ lazyConnect: true, enableAutoPipelining: true });
  afterEach(() => redis.disconnect());

  it('each pipeline (an auto-pipeline is one) defines length as an accessor of its own', () => {
    const first = redis.pipeline();
    const second = redis.pipeline();
    const getter = (pipeline: object) =>
      (Object.getOwnPropertyDescriptor(pipeline, 'length') as { get?: unknown } | undefined)?.get;
    expect(ownAccessors(first)).toEqual(['length']);
    expect(getter(first)).not.toBe(getter(second));
  });

  it('each command carries a reject function of its own, written by its constructor', () => {
    const first = new Command('get', ['key']);
    const second = new Command('get', ['key']);
    const reject = (command: object): unknown =>
      Object.getOwnPropertyDescriptor(command, 'reject')?.value;
    expect(reject(first)).toBeTypeOf('function');
    expect(reject(first)).not.toBe(reject(second));
  });
});
