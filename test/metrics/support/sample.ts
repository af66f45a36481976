// Reads one series' value from Prometheus text exposition (`name{labels} value`), as a scraper would.
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
