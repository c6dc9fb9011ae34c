// What a gateway or worker start judges of the operator's own files and settings that needs
// neither Redis nor the gateway's code: the clients file and its secrets (operators' password
// hashes among them) and the data keys (GW_DATA_KEYS). The entry points (gateway/main.ts,
// adapters/worker.ts) judge them before importing the rest of the process, so a start refused for
// one exits without loading the catalogue, the app and its routes (about 900 modules, most of a
// refused start's CPU); a start in a process of its own choosing (npm start, the tests) has
// startGateway or startWorkers judge them. Both before Redis: a refused start writes nothing to it.
import type { Config } from '../config/load-config.ts';
import { loadClientRegistry, type ClientRegistry } from './auth/client-registry.ts';
import { loadDataKeys } from './personal-data/data-keys.ts';

export interface OperatorFiles {
  clients: ClientRegistry;
}

/** The clients and the data keys, judged; throws the first one's refusal. */
export function judgeOperatorFiles(config: Config): OperatorFiles {
  const clients = loadClientRegistry({ env: config.env, clientsFile: config.clientsFile });
  loadDataKeys(config);
  return { clients };
}
