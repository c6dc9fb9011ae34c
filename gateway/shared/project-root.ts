// Data files (schemas/, config/) live at the project root; code runs from the source tree or from
// dist/, so the root is found by walking up to package.json rather than by a fixed relative path.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`project root not found above ${start}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot(resolve(import.meta.dirname));

export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
