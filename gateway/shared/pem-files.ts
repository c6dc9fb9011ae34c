// PEM files the worker reads at start, each problem pushed as "<where>: …" for a start that lists
// every problem and exits 1: an adapter's tls* files (adapters/kit/adapter-tls.ts) and the CA file
// of NODE_EXTRA_CA_CERTS (callbacks/extra-ca-certs.ts). Parsed here because node:tls skips a
// certificate it cannot read, silently.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The file as text; a file that cannot be read is a problem naming its error code. */
export function readPem(path: string, where: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    problems.push(`${where}: cannot read ${path} (${typeof code === 'string' ? code : 'error'})`);
    return undefined;
  }
}

/** The file's PEM certificates, each parsed (node:tls would skip one it cannot read, silently). */
export function certificates(
  path: string,
  where: string,
  problems: string[],
): { pem: string; leaf: X509Certificate; all: X509Certificate[] } | undefined {
  const pem = readPem(path, where, problems);
  if (pem === undefined) return undefined;
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    problems.push(`${where}: ${path} holds no PEM certificate`);
    return undefined;
  }
  const parsed: X509Certificate[] = [];
  for (const [n, block] of blocks.entries()) {
    try {
      parsed.push(new X509Certificate(block));
    } catch {
      problems.push(`${where}: certificate ${n + 1} of ${path} does not parse`);
      return undefined;
    }
  }
  return { pem, leaf: parsed[0]!, all: parsed };
}
