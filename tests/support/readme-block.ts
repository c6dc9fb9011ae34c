// The ```js (or ```ts) block a document holds between `<!-- <marker>:start -->` and
// `<!-- <marker>:end -->`: code the docs show (the signing client, the shipped client, 云南's
// receiver) that a test runs as it stands, so the docs cannot rot.
export function markedCodeBlock(
  text: string,
  marker: string,
  document: string,
  language: 'js' | 'ts' = 'js',
): string {
  const marked = text.split(`<!-- ${marker}:start -->`)[1]?.split(`<!-- ${marker}:end -->`)[0];
  const code = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(marked ?? '')?.[1];
  if (!code) {
    throw new Error(`${document} has no \`\`\`${language} block between its ${marker} markers`);
  }
  return code;
}
