// Mutation testing of the core (`npm run test:mutation`): schema, normalizer, staging, config,
// the Athena planner and both dialects, load packages. Incremental: results are kept in
// .stryker/incremental.json (committed, so a rerun tests only mutants whose code or tests changed).
// One module at a time while iterating: `npm run test:mutation -- --mutate 'src/schema/**/*.ts'`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  coverageAnalysis: "perTest",
  mutate: [
    "src/schema/**/*.ts",
    "src/normalize/**/*.ts",
    "src/staging/**/*.ts",
    "src/config/**/*.ts",
    "src/destination/athena/planner.ts",
    "src/destination/athena/plan-*.ts",
    "src/destination/athena/merge-sql.ts",
    "src/destination/athena/dialect.ts",
    "src/destination/athena/quote.ts",
    "src/destination/athena/type-mapper.ts",
    "src/destination/dialect.ts",
    "src/destination/local/dialect.ts",
    "src/packages/**/*.ts",
  ],
  incremental: true,
  incrementalFile: ".stryker/incremental.json",
  // Two cores: one test process per core at most.
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress-append-only", "json"],
  jsonReporter: { fileName: ".reports/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
