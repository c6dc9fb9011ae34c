// The judgement of a callback host's resolved addresses (gateway/callbacks/callback-address.ts),
// with a fake DNS: what production refuses, what it lets through unchanged.
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { judgedLookup, RefusedAddressError } from '../../../gateway/callbacks/callback-address.ts';
import { isPublicAddress } from '../../../gateway/callbacks/callback-url.ts';

function fakeDns(answers: LookupAddress[] | NodeJS.ErrnoException): {
  lookup: LookupFunction;
  asked: { hostname: string; all: boolean | undefined }[];
} {
  const asked: { hostname: string; all: boolean | undefined }[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push({ hostname, all: options.all });
    if (answers instanceof Error) callback(answers, '');
    else callback(null, answers);
  };
  return { lookup, asked };
}

function resolve(
  lookup: LookupFunction,
  all: boolean,
): Promise<{
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}> {
  return new Promise((r) =>
    lookup('portal.example', { all }, (err, address, family) => r({ err, address, family })),
  );
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

describe('isPublicAddress', () => {
  it.each([
    ['93.184.215.14', true],
    ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', true],
    ['127.0.0.1', false],
    ['10.0.0.5', false],
    ['169.254.169.254', false],
    ['100.64.1.1', false],
    ['192.168.1.9', false],
    ['::1', false],
    ['fd00::2', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:10.0.0.5', false],
    ['::ffff:93.184.215.14', true],
    ['::ffff:5db8:d70e', true],
    ['portal.example', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('judgedLookup with the production judgement', () => {
  it.each([['127.0.0.1'], ['10.0.0.5'], ['169.254.169.254']])(
    'refuses a host resolving to %s with RefusedAddressError naming host and address',
    async (address) => {
      const { err } = await resolve(
        judgedLookup(fakeDns([v4(address)]).lookup, isPublicAddress),
        true,
      );
      expect(err).toBeInstanceOf(RefusedAddressError);
      expect(err).toMatchObject({ host: 'portal.example', addresses: [address] });
    },
  );

  it('refuses ::ffff:127.0.0.1 as the loopback IPv4 it maps', async () => {
    const { err } = await resolve(
      judgedLookup(fakeDns([v6('::ffff:127.0.0.1')]).lookup, isPublicAddress),
      true,
    );
    expect(err).toMatchObject({ name: 'RefusedAddressError', addresses: ['::ffff:127.0.0.1'] });
  });

  it('refuses a host when one of its several answers is private, naming only that one', async () => {
    const dns = fakeDns([v4('93.184.215.14'), v4('10.0.0.5'), v6('2606:2800:21f:cb07::1')]);
    const { err } = await resolve(judgedLookup(dns.lookup, isPublicAddress), false);
    expect(err).toMatchObject({ name: 'RefusedAddressError', addresses: ['10.0.0.5'] });
  });

  it('asks for every address even when the socket asks for one, and answers the first of all-public answers', async () => {
    const dns = fakeDns([v4('93.184.215.14'), v6('2606:2800:21f:cb07::1')]);
    const answer = await resolve(judgedLookup(dns.lookup, isPublicAddress), false);
    expect(dns.asked).toEqual([{ hostname: 'portal.example', all: true }]);
    expect(answer).toEqual({ err: null, address: '93.184.215.14', family: 4 });
  });

  it('answers all of its all-public answers, unchanged, when the socket asks for all', async () => {
    const answers = [v4('93.184.215.14'), v6('2606:2800:21f:cb07::1')];
    const answer = await resolve(judgedLookup(fakeDns(answers).lookup, isPublicAddress), true);
    expect(answer.err).toBeNull();
    expect(answer.address).toEqual(answers);
  });

  it('passes a resolver failure (ENOTFOUND) through as it is, not as a refusal', async () => {
    const notFound: NodeJS.ErrnoException = new Error('getaddrinfo ENOTFOUND portal.example');
    notFound.code = 'ENOTFOUND';
    const { err } = await resolve(judgedLookup(fakeDns(notFound).lookup, isPublicAddress), true);
    expect(err).toBe(notFound);
  });

  it('treats an empty answer as ENOTFOUND (retryable), not as a pass', async () => {
    const { err } = await resolve(judgedLookup(fakeDns([]).lookup, isPublicAddress), true);
    expect(err).toMatchObject({ code: 'ENOTFOUND' });
    expect(err).not.toBeInstanceOf(RefusedAddressError);
  });
});
