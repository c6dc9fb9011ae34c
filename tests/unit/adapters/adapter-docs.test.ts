// A provincial platform integrates from the docs alone (README.md#integrating-a-province-platform):
// every adapter of the registry has its dialect written out for the platform's developers, with a
// receiving endpoint a test runs, and its rows in the tables that point to it. README.md#adding-an-adapter
// once said to touch "exactly" five files, none of them documentation, so a new adapter could
// ship with nothing its platform could read; it now names them, and this keeps both true.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADAPTER_IDS } from '../../../adapters/kit/registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const read = (path: string) => readFileSync(projectPath(path), 'utf8');
const readme = read('README.md');
const section = (text: string, heading: string) => {
  const start = text.indexOf(`${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = text.indexOf('\n#', start + heading.length);
  return text.slice(start, next < 0 ? undefined : next);
};
const adapters = JSON.parse(read('config/adapters.json')) as Record<
  string,
  { baseUrlEnv?: string }
>;

describe("each adapter's documentation for its platform", () => {
  it.each(ADAPTER_IDS)(
    '%s has its developer README with a receiving endpoint and redelivery, and a test that runs it',
    (id) => {
      const own = `adapters/${id}/README.md`;
      expect(existsSync(projectPath(own)), own).toBe(true);
      const text = read(own);
      expect(text).toContain(`<!-- ${id}-receiver:start -->`);
      expect(text).toContain(`<!-- ${id}-receiver:end -->`);
      expect(text).toMatch(/Redelivery/);
      const test = `tests/integration/adapters/${id}-readme-receiver.test.ts`;
      expect(existsSync(projectPath(test)), test).toBe(true);
    },
  );

  it.each(ADAPTER_IDS)(
    "%s has its row, README and base URL variable in README's integrating table and adapters/README.md's dialects",
    (id) => {
      const table = section(readme, '## Integrating a province platform');
      const row = table.split('\n').find((line) => line.includes(`(adapters/${id}/README.md)`));
      expect(row, `README row for ${id}`).toBeDefined();
      expect(row).toContain(`\`${adapters[id]!.baseUrlEnv!}\``);
      expect(section(readme, '## Adapters, queues and sandboxes')).toMatch(
        new RegExp(`^\\| \`${id}\` \\|`, 'm'),
      );
      expect(section(read('adapters/README.md'), '## Dialects')).toContain(`(${id}/README.md)`);
    },
  );

  it('has Adding an adapter name the documentation a new adapter needs', () => {
    const adding = section(readme, '### Adding an adapter');
    expect(adding).not.toMatch(/exactly these files/);
    for (const needed of [
      '`adapters/<id>/README.md`',
      '`<!-- <id>-receiver:start -->`',
      '`tests/integration/adapters/<id>-readme-receiver.test.ts`',
      '[adapters/README.md#dialects]',
      '`baseUrlEnv`',
    ])
      expect(adding).toContain(needed);
  });
});
