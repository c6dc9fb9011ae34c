// What a script served as a versioned asset loads by itself (gateway/shared/versioned-assets.ts):
// the modules it imports by a relative specifier (`import … from './api.js'`, `import('./x.js')`,
// `export … from './x.js'`) and the assets it names by their URL in a string (`fetch('/assets/
// labels.json')`). Each is rewritten to carry the hash of what it names, so a page's whole module
// graph and the data its scripts fetch are versioned, not only the script the page links: a
// module or a JSON file reached by a URL without a hash was only as fresh as a revalidation.
// Found by pattern, not by parsing JavaScript: the scripts are ours, and a reference the patterns
// name but no file matches stops the process at start (VersionedAssets), as a page's broken link does.
import { posix } from 'node:path';

const RELATIVE_MODULE = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"?#\s]+)\2/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `source` (the script `name`, relative to the assets' root) with each reference rewritten by
 * `urlOf(target)`, where target is the referenced file's name relative to the root: a relative
 * specifier keeps its relative form with `?v=` appended, a URL under `base` becomes urlOf's URL.
 */
export function rewriteScriptReferences(
  source: string,
  name: string,
  base: string,
  urlOf: (target: string) => string,
): string {
  const versionOf = (url: string) => url.slice(url.indexOf('?'));
  const underBase = new RegExp(`(['"\`])(${escapeRegExp(base)}/[^'"\`?#\\s$]+)\\1`, 'g');
  return source
    .replace(RELATIVE_MODULE, (_whole, lead: string, quote: string, specifier: string) => {
      const target = posix.normalize(posix.join(posix.dirname(name), specifier));
      if (target.startsWith('../'))
        throw new Error(`${name} imports ${specifier}, outside the assets it is served with`);
      return `${lead}${quote}${specifier}${versionOf(urlOf(target))}${quote}`;
    })
    .replace(
      underBase,
      (_whole, quote: string, url: string) =>
        `${quote}${urlOf(url.slice(base.length + 1))}${quote}`,
    );
}
