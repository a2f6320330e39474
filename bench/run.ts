/**
 * `npm run bench`: runs every benchmark and prints a table. Each benchmark lives in its own
 * module under bench/ and returns rows of figures.
 */
export interface BenchRow {
  readonly name: string;
  readonly figures: Record<string, string | number>;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const benches: Array<{ name: string; run: () => Promise<BenchRow[]> }> = [
  {
    name: "normalize+write (flat and nested, native baseline, dlt)",
    run: async () => (await import("./normalize.js")).benchNormalize(),
  },
  {
    name: "run --local (demo, 1M flat rows)",
    run: async () => (await import("./local.js")).benchLocal(),
  },
  {
    name: "S3 upload (local s3rver)",
    run: async () => {
      const { benchUpload } = await import("./upload.js");
      const { smallFilesMBps, bigFileMBps } = await benchUpload();
      return [
        { name: "upload 200 x 1 MiB (concurrency 8)", figures: { "MiB/s": smallFilesMBps.toFixed(1) } },
        { name: "upload 1 x 200 MiB (multipart)", figures: { "MiB/s": bigFileMBps.toFixed(1) } },
      ];
    },
  },
];

const rows: BenchRow[] = [];
for (const bench of benches) {
  process.stderr.write(`running ${bench.name}…\n`);
  rows.push(...(await bench.run()));
}
for (const row of rows) {
  console.log(`${row.name}: ${Object.entries(row.figures).map(([k, v]) => `${k}=${v}`).join("  ")}`);
}
