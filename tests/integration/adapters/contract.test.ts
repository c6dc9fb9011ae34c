// Every adapter passes the same contract against its own sandbox (tests/unit/adapters/contract-suite.ts).
// Driven by ADAPTER_IDS, so an adapter added to the registry cannot skip it.
import { ADAPTER_IDS } from '../../../adapters/kit/adapter-config.ts';
import { runAdapterContract } from '../../unit/adapters/contract-suite.ts';

for (const id of ADAPTER_IDS) runAdapterContract(id);
