// The ```js block a document holds between `<!-- <marker>:start -->` and `<!-- <marker>:end -->`:
// code the docs show (the signing client, 云南's receiver) that a test runs as it stands, so the
// docs cannot rot.
export function markedJsBlock(text: string, marker: string, document: string): string {
  const marked = text.split(`<!-- ${marker}:start -->`)[1]?.split(`<!-- ${marker}:end -->`)[0];
  const code = /^```js\n([\s\S]*?)^```$/m.exec(marked ?? '')?.[1];
  if (!code) throw new Error(`${document} has no \`\`\`js block between its ${marker} markers`);
  return code;
}
