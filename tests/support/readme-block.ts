// The ```js (or ```ts, ```json) block a document holds between `<!-- <marker>:start -->` and
// `<!-- <marker>:end -->`: code the docs show (the signing client, the shipped client, 云南's
// receiver, a rating's body) that a test runs or sends as it stands, so the docs cannot rot.
export function markedCodeBlock(
  text: string,
  marker: string,
  document: string,
  language: 'js' | 'ts' | 'json' = 'js',
): string {
  const marked = text.split(`<!-- ${marker}:start -->`)[1]?.split(`<!-- ${marker}:end -->`)[0];
  const code = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(marked ?? '')?.[1];
  if (!code) {
    throw new Error(`${document} has no \`\`\`${language} block between its ${marker} markers`);
  }
  return code;
}
