// One series of a /metrics answer in Prometheus text, as a scraper reads it (a gateway's /metrics
// or a worker's operations listener), so a test checks what is served, not the registry's objects.

/** The value of `name{labels}` in Prometheus text, undefined when it is not there. */
export function seriesIn(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The value of `name{labels}` served at `url`, undefined when it is not there. */
export async function seriesValue(
  url: string,
  name: string,
  labels = '',
): Promise<number | undefined> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return seriesIn(await res.text(), name, labels);
}
