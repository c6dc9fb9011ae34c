// The repository documents itself (issue 10): comments, schemas, OpenAPI texts and docs cite the
// READMEs beside the code (gateway/, adapters/, schemas/, config/ and the top README), never the
// design notes that live outside the repository, and every `<folder>/README.md#anchor` they cite
// names a heading that exists. See gateway/README.md#comments-say-why.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../gateway/shared/project-root.ts';

// Built from parts so this file does not cite them itself.
const OUTSIDE_NOTES = ['DESIGN', 'DOMAIN', 'STYLE'].map((name) => `${name}.md`);
const OUTSIDE_PATTERN = new RegExp(OUTSIDE_NOTES.map((n) => n.replace('.', '\\.')).join('|'), 'g');

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.data', 'coverage', 'results']);
const SKIPPED_FILES = new Set(['package-lock.json']);
const TEXT_EXTENSIONS = new Set([
  '.ts',
  '.js',
  '.mjs',
  '.cjs',
  '.json',
  '.md',
  '.lua',
  '.yml',
  '.yaml',
  '.html',
  '.css',
  '.sh',
  '.tsv',
  '',
]);

function projectFiles(dir = PROJECT_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : projectFiles(path);
    if (!entry.isFile() || SKIPPED_FILES.has(entry.name)) return [];
    return TEXT_EXTENSIONS.has(extname(entry.name)) ? [path] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

// Prose and code cite from the project root (`gateway/README.md#province-events`); a Markdown link
// target, or a path starting with ./ or ../, is resolved from the citing file, as GitHub does.
const CITATION = /(?<![\w/.-])((?:\.{1,2}\/)*(?:[\w-]+\/)*)README\.md#([\p{L}\p{N}_-]+)/gu;
const LOCAL_LINK = /\]\(#([\p{L}\p{N}_-]+)\)/gu;

interface Citation {
  file: string;
  readme: string;
  anchor: string;
}

function citationsIn(file: string, text: string): Citation[] {
  const isMarkdown = extname(file) === '.md';
  const found = [...text.matchAll(CITATION)].map((m) => {
    const path = m[1]!;
    const linkTarget = isMarkdown && text.slice(Math.max(0, m.index - 2), m.index) === '](';
    const fromFile = linkTarget || path.startsWith('./') || path.startsWith('../');
    return {
      file,
      readme: resolve(fromFile ? dirname(file) : PROJECT_ROOT, `${path}README.md`),
      anchor: m[2]!,
    };
  });
  if (isMarkdown)
    for (const m of text.matchAll(LOCAL_LINK)) found.push({ file, readme: file, anchor: m[1]! });
  return found;
}

const files = projectFiles().map((path) => ({ path, text: readFileSync(path, 'utf8') }));

describe('documentation citations', () => {
  it('finds the four folder READMEs and the top README among the project files', () => {
    const readmes = files
      .map((f) => relative(PROJECT_ROOT, f.path))
      .filter((p) => p.endsWith('README.md'));
    expect(readmes).toEqual(
      expect.arrayContaining([
        'README.md',
        'gateway/README.md',
        'adapters/README.md',
        'schemas/README.md',
        'config/README.md',
      ]),
    );
  });

  it('cites no design note kept outside the repository in any source, test, schema or doc', () => {
    const offenders = files.flatMap(({ path, text }) =>
      text
        .split('\n')
        .flatMap((line, i) =>
          line.match(OUTSIDE_PATTERN)
            ? [`${relative(PROJECT_ROOT, path)}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('resolves every README anchor citation to an existing heading of that README', () => {
    const anchorsOf = new Map<string, Set<string> | undefined>();
    const lookup = (readme: string) => {
      if (!anchorsOf.has(readme)) {
        const file = files.find((f) => f.path === readme);
        anchorsOf.set(readme, file ? headingAnchors(file.text) : undefined);
      }
      return anchorsOf.get(readme);
    };
    const citations = files.flatMap(({ path, text }) => citationsIn(path, text));
    const dead = citations
      .filter((c) => !lookup(c.readme)?.has(c.anchor))
      .map(
        (c) =>
          `${relative(PROJECT_ROOT, c.file)} → ${relative(PROJECT_ROOT, c.readme)}#${c.anchor}`,
      );
    expect(citations.length).toBeGreaterThan(0);
    expect(dead).toEqual([]);
  });

  it('reads a dead anchor, a Markdown link target and a same-page link as citations to check', () => {
    const code = join(PROJECT_ROOT, 'gateway', 'example.ts');
    const page = join(PROJECT_ROOT, 'schemas', 'README.md');
    // Samples are split so that this file's own text holds no citation to check.
    const md = '.md#';
    expect(citationsIn(code, `// see gateway/README${md}no-such-heading.`)).toEqual([
      { file: code, readme: join(PROJECT_ROOT, 'gateway', 'README.md'), anchor: 'no-such-heading' },
    ]);
    expect(citationsIn(page, `See [x](../config/README${md}calendars) and [y](#modes).`)).toEqual([
      { file: page, readme: join(PROJECT_ROOT, 'config', 'README.md'), anchor: 'calendars' },
      { file: page, readme: page, anchor: 'modes' },
    ]);
  });

  it('slugs headings the way GitHub does', () => {
    const anchors = headingAnchors(
      [
        '# gateway/',
        "### Construct, don't patch",
        '## Retries, breaker and rate limits',
        '### Supervision (督办)',
        '```',
        '# not a heading',
        '```',
        '## Notes',
        '## Notes',
      ].join('\n'),
    );
    expect([...anchors]).toEqual([
      'gateway',
      'construct-dont-patch',
      'retries-breaker-and-rate-limits',
      'supervision-督办',
      'notes',
      'notes-1',
    ]);
  });
});
