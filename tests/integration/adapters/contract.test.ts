// Every adapter passes the same contract against its own sandbox (tests/unit/adapters/contract-suite.ts).
// Driven by the registry's descriptors, so an adapter added there cannot skip it.
import { ADAPTERS } from '../../../adapters/kit/registry.ts';
import { runAdapterContract } from '../../unit/adapters/contract-suite.ts';

for (const descriptor of ADAPTERS) runAdapterContract(descriptor);
