// Which test files reach a package or a module of ours through their imports, read from the source
// (vitest.config.ts): a file that imports nock, or imports a module of ours that does, reaches it.
// Only relative imports are followed, through the project's own files; packages are leaves.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT = /\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The `.test.ts` files under `roots` (relative to `root`) whose imports reach one of `targets`: a
 * package's name, or a module's path relative to `root`.
 */
export function testFilesReaching(
  root: string,
  roots: readonly string[],
  targets: readonly string[],
): string[] {
  const modules = new Set(targets.map((t) => resolve(root, t)));
  const reaches = new Map<string, boolean>();
  const visit = (file: string): boolean => {
    const known = reaches.get(file);
    if (known !== undefined) return known;
    reaches.set(file, false); // an import cycle does not reach it through itself
    const found = specifiers(file).some((s) => {
      if (!s.startsWith('.')) return targets.includes(s);
      const path = resolve(dirname(file), s);
      return modules.has(path) || (s.endsWith('.ts') && visit(path));
    });
    reaches.set(file, found);
    return found;
  };
  return roots
    .flatMap((r) => testFiles(join(root, r)))
    .filter(visit)
    .map((f) => relative(root, f))
    .sort();
}
