// The adapter contract suite (adapters/README.md#contract-suite, after bull-board's suite every
// framework adapter must pass): delivery, failure classes, the event progression and the status
// query (adapters/README.md#status-query). One set of requirements, run for each adapter against its own
// sandbox on port 0: the sandbox speaks the dialect and enforces its auth and idempotency, so the
// same tests fit every wire format without a line of dialect knowledge here. Dialect details
// (field names, codes, signatures, token refresh) are each adapter's nock and sandbox tests.
// tests/integration/adapters/contract.test.ts runs it for every descriptor of the registry; what
// differs between adapters (the division to deliver to, the credential to spoil, whether the
// platform answers at once) comes from the descriptor, so this file names no adapter.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import type {
  AdapterDescriptor,
  AdapterSettings,
} from '../../../adapters/kit/adapter-descriptor.ts';
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type ProvinceAdapter,
} from '../../../adapters/kit/contract.ts';
import { isAdapterId } from '../../../adapters/kit/registry.ts';
import type { ProgressionOptions, Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import {
  logsArePersonalDataFree,
  sampleDelivery,
  startEventSink,
  testContext,
  waitFor,
} from '../../support/province-test-kit.ts';

export interface ContractOptions {
  /** Settings; default config/adapters.json as loaded in test mode (dev credentials). */
  settings?: AdapterSettings;
  makeAdapter?: (settings: AdapterSettings) => ProvinceAdapter;
  makeSandbox?: (settings: AdapterSettings, progression?: ProgressionOptions) => Sandbox;
  /** Settings the platform must refuse; default: the first credential with a suffix. */
  spoilCredentials?: (settings: AdapterSettings) => AdapterSettings;
  /** Default: the descriptor's deliveryState. */
  expectedState?: 'received' | 'pending';
}

/** Its first required credential with a suffix: the platform must refuse it. */
function spoilFirstCredential(descriptor: AdapterDescriptor) {
  return (settings: AdapterSettings): AdapterSettings => {
    const key = descriptor.settingsSchema.required[0];
    return key ? { ...settings, [key]: `${String(settings[key])}-wrong` } : settings;
  };
}

export function runAdapterContract(
  descriptor: AdapterDescriptor,
  options: ContractOptions = {},
): void {
  const { id } = descriptor;
  if (!isAdapterId(id)) throw new Error(`${id} is not in the adapter registry`);
  const base = options.settings ?? loadAdapterSettings({ env: 'test', processEnv: {} })[id];
  const makeAdapter = options.makeAdapter ?? ((s) => descriptor.create(s));
  const makeSandbox =
    options.makeSandbox ?? ((s, progression) => descriptor.sandbox({ settings: s, progression }));
  const spoil = options.spoilCredentials ?? spoilFirstCredential(descriptor);
  const state = options.expectedState ?? descriptor.deliveryState;
  const request = () => sampleDelivery({ targetRegion: descriptor.contractRegion });

  describe(`adapter contract: ${id}`, () => {
    let sandbox: Sandbox;
    let settings: AdapterSettings;
    let adapter: ProvinceAdapter;

    beforeEach(async () => {
      sandbox = makeSandbox(base, { enabled: false });
      const { url } = await sandbox.start(0);
      settings = { ...base, baseUrl: url, timeoutMs: 2000 };
      adapter = makeAdapter(settings);
    });
    afterEach(() => sandbox.stop());

    it('returns the provincial case number the province stored, logging no personal data', async () => {
      const { context, lines } = testContext();
      const delivery = request();
      const result = await adapter.deliver(delivery, context);
      expect(result.state).toBe(state);
      expect(result.duplicate).toBe(false);
      expect(result.provinceCaseNo).not.toBe('');
      const stored = sandbox.received();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        caseId: delivery.caseId,
        provinceCaseNo: result.provinceCaseNo,
      });
      expect(logsArePersonalDataFree(lines)).toBe(true);
    });

    it('creates one provincial case for the same case delivered twice (duplicate the second time)', async () => {
      const delivery = request();
      const first = await adapter.deliver(delivery, testContext().context);
      const second = await adapter.deliver(delivery, testContext().context);
      expect(second).toEqual({ ...first, duplicate: true });
      expect(sandbox.received()).toHaveLength(1);
      expect(sandbox.received()[0]?.deliveries).toBe(2);
    });

    it('reports a refusal of the data as PermanentDeliveryError', async () => {
      await sandbox.setFaults({ refuseNext: 1 });
      await expect(adapter.deliver(request(), testContext().context)).rejects.toBeInstanceOf(
        PermanentDeliveryError,
      );
      expect(sandbox.received()).toHaveLength(0);
    });

    it('reports rejected credentials as PermanentDeliveryError', async () => {
      const spoiled = makeAdapter(spoil(settings));
      await expect(spoiled.deliver(request(), testContext().context)).rejects.toBeInstanceOf(
        PermanentDeliveryError,
      );
      expect(sandbox.received()).toHaveLength(0);
    });

    it('reports a platform fault (5xx or its busy code) as TransientDeliveryError', async () => {
      await sandbox.setFaults({ errorRate: 1 });
      await expect(adapter.deliver(request(), testContext().context)).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
      await sandbox.setFaults({ errorRate: 0 });
      await expect(adapter.deliver(request(), testContext().context)).resolves.toMatchObject({
        duplicate: false,
      });
    });

    it('reports a timeout as TransientDeliveryError; the retry finds the case already there', async () => {
      await sandbox.setFaults({ latencyMs: 600 });
      const slow = makeAdapter({ ...settings, timeoutMs: 150 });
      const delivery = request();
      await expect(slow.deliver(delivery, testContext().context)).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
      // The province went on with the call the adapter gave up on (at-least-once delivery).
      await waitFor(() => sandbox.received().length === 1, 3000, 'the slow case to land');
      await sandbox.setFaults({ latencyMs: 0 });
      const retry = await adapter.deliver(delivery, testContext().context);
      expect(retry.duplicate).toBe(true);
      expect(sandbox.received()).toHaveLength(1);
    });

    it('reports a province that is down (connection refused) as TransientDeliveryError', async () => {
      await sandbox.setFaults({ down: true });
      await expect(adapter.deliver(request(), testContext().context)).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
      await sandbox.setFaults({ down: false });
      await expect(adapter.deliver(request(), testContext().context)).resolves.toMatchObject({
        state,
      });
    });

    it('reports a delivery the job aborted as TransientDeliveryError', async () => {
      const aborted = AbortSignal.abort();
      await expect(adapter.deliver(request(), testContext(aborted).context)).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
    });

    it('answers a status query for a case it holds, with no events before any progress', async () => {
      const delivered = await adapter.deliver(request(), testContext().context);
      const { context, lines } = testContext();
      const status = await adapter.queryStatus(
        { caseId: sandbox.received()[0]!.caseId, provinceCaseNo: delivered.provinceCaseNo },
        context,
      );
      expect(status).toEqual({ found: true, provinceCaseNo: delivered.provinceCaseNo, events: [] });
      expect(logsArePersonalDataFree(lines)).toBe(true);
    });

    it('answers a status query about a case it does not hold as not found', async () => {
      const status = await adapter.queryStatus({ caseId: request().caseId }, testContext().context);
      expect(status).toEqual({ found: false });
    });

    it('reports a status query to a province that is down or busy as TransientDeliveryError', async () => {
      const { caseId } = request();
      await sandbox.setFaults({ down: true });
      await expect(adapter.queryStatus({ caseId }, testContext().context)).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
      await sandbox.setFaults({ down: false, errorRate: 1 });
      await expect(adapter.queryStatus({ caseId }, testContext().context)).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
    });

    it('reports a status query with rejected credentials as PermanentDeliveryError', async () => {
      const spoiled = makeAdapter(spoil(settings));
      await expect(
        spoiled.queryStatus({ caseId: request().caseId }, testContext().context),
      ).rejects.toBeInstanceOf(PermanentDeliveryError);
    });

    it('reports by status query exactly the events it posted, and its progress while silent', async () => {
      const sink = await startEventSink(`province-${id}`);
      const live = makeSandbox(base, { gatewayUrl: sink.url, secret: sink.secret, delaysMs: 0 });
      try {
        const { url } = await live.start(0);
        const liveAdapter = makeAdapter({ ...settings, baseUrl: url });
        const talking = request();
        const result = await liveAdapter.deliver(talking, testContext().context);
        await waitFor(() => live.events().length === 4);
        const queried = await liveAdapter.queryStatus(
          { caseId: talking.caseId },
          testContext().context,
        );
        // Field for field what was posted: the gateway applies an event once by its digest.
        expect(queried).toEqual({
          found: true,
          provinceCaseNo: result.provinceCaseNo,
          events: sink.events.map((e) => e.body),
        });

        await live.setFaults({ silent: true });
        const silent = request();
        await liveAdapter.deliver(silent, testContext().context);
        await waitFor(() => live.events().length === 8);
        expect(sink.events.filter((e) => e.caseId === silent.caseId)).toHaveLength(0);
        const reported = await liveAdapter.queryStatus(
          { caseId: silent.caseId },
          testContext().context,
        );
        expect(reported.found && reported.events.map((e) => e.type)).toEqual([
          'accepted',
          'in-progress',
          'decided',
          'result-delivered',
        ]);
      } finally {
        await live.stop();
        await sink.close();
      }
    });

    it(`posts accepted → in-progress → decided → result-delivered signed as province-${id}`, async () => {
      const sink = await startEventSink(`province-${id}`);
      const live = makeSandbox(base, {
        gatewayUrl: sink.url,
        secret: sink.secret,
        delaysMs: 0,
        retryBaseMs: 10,
      });
      try {
        const { url } = await live.start(0);
        sink.failNext(1); // the first post meets a 503 and must be retried
        const delivery = request();
        const result = await makeAdapter({ ...settings, baseUrl: url }).deliver(
          delivery,
          testContext().context,
        );
        const events = await waitFor(() => (sink.events.length === 4 ? sink.events : undefined));
        expect(events.map((e) => e.body.type)).toEqual([
          'accepted',
          'in-progress',
          'decided',
          'result-delivered',
        ]);
        expect(events.every((e) => e.caseId === delivery.caseId)).toBe(true);
        expect(events[0]?.body.provinceCaseNo).toBe(result.provinceCaseNo);
        expect(events[2]?.body.result).toMatchObject({ decision: 'approved' });
        expect(sink.rejected()).toBe(0);
        // The sandbox records a post once its answer arrives, just after the sink has it.
        const posted = await waitFor(() =>
          live.events().length === 4 ? live.events() : undefined,
        );
        expect(posted.map((e) => e.status)).toEqual([202, 202, 202, 202]);
      } finally {
        await live.stop();
        await sink.close();
      }
    });
  });
}
