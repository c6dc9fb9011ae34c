// What a worker start judges of the operator's files before it connects: NODE_EXTRA_CA_CERTS's
// file (gateway/callbacks/extra-ca-certs.ts), the adapters file and its tls* files
// (adapters/kit/adapter-tls.ts) — every problem of those at once — then the clients, whose secrets
// sign callbacks, and the data keys (gateway/start-judgments.ts). adapters/worker.ts judges them
// before importing the worker's code, so a start refused for one exits without loading it; a start
// in a process of its own choosing (npm start, the tests) has startWorkers judge them.
import { ConfigError, type Config } from '../config/load-config.ts';
import { extraCaCertsProblems } from '../gateway/callbacks/extra-ca-certs.ts';
import { judgeOperatorFiles, type OperatorFiles } from '../gateway/start-judgments.ts';
import { loadAdapterSettings, type AdapterSettingsTable } from './kit/adapter-config.ts';

export interface WorkerFiles extends OperatorFiles {
  settings: AdapterSettingsTable;
}

export function judgeWorkerFiles(
  config: Config,
  options: {
    /** Adapter settings; default config/adapters.json (GW_ADAPTERS_FILE). */
    adapterSettings?: AdapterSettingsTable;
    /** The environment NODE_EXTRA_CA_CERTS is read from; default process.env. */
    processEnv?: NodeJS.ProcessEnv;
  } = {},
): WorkerFiles {
  const caProblems = extraCaCertsProblems(options.processEnv ?? process.env);
  let settings: AdapterSettingsTable;
  try {
    settings =
      options.adapterSettings ??
      loadAdapterSettings({ env: config.env, file: config.adaptersFile });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError([...caProblems, ...error.problems]);
    throw error;
  }
  if (caProblems.length > 0) throw new ConfigError(caProblems);
  return { settings, ...judgeOperatorFiles(config) };
}
