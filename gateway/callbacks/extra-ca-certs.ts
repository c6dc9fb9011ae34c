// The private CA(s) an operator gives the worker process for portals whose certificates they sign
// (gateway/README.md#callbacks-over-tls): Node's own NODE_EXTRA_CA_CERTS, which Node reads once at
// start and adds to its bundled roots. Node does not refuse to start on it: a file it cannot read
// is one warning on stderr, one that holds no certificate not even that — and every callback to
// that portal would then fail its handshake. So the worker reads the file too, at start, and a
// problem with it is a configuration problem that stops the start, as an adapter's tlsCaFile is.
import { certificates } from '../shared/pem-files.ts';

export const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';

/** Why NODE_EXTRA_CA_CERTS, if set, names no file of CA certificates Node can use; else none. */
export function extraCaCertsProblems(env: NodeJS.ProcessEnv): string[] {
  const path = env[EXTRA_CA_CERTS];
  if (!path) return [];
  const problems: string[] = [];
  certificates(path, EXTRA_CA_CERTS, problems);
  return problems;
}
