/**
 * `npm run bench`: runs every benchmark and prints a table. Each benchmark lives in its own
 * module under bench/ and returns rows of figures.
 */
export interface BenchRow {
  readonly name: string;
  readonly figures: Record<string, string | number>;
}

const benches: Array<{ name: string; load: () => Promise<{ run: () => Promise<BenchRow[]> }> }> = [];

const rows: BenchRow[] = [];
for (const bench of benches) {
  process.stderr.write(`running ${bench.name}…\n`);
  rows.push(...(await (await bench.load()).run()));
}
for (const row of rows) {
  console.log(`${row.name}: ${Object.entries(row.figures).map(([k, v]) => `${k}=${v}`).join("  ")}`);
}
if (rows.length === 0) console.log("no benchmarks registered");
