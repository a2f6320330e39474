// Prints one line `tests: N passed, N failed` over every vitest JSON report given on the command
// line (one per tier); a report that is missing or unreadable counts as one failed test.
import { readFileSync } from "node:fs";

const paths = process.argv.slice(2);
if (paths.length === 0) paths.push(".vitest-report.json");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const path of paths) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    console.log(`test report ${path} could not be read: ${error.message}`);
    failed += 1;
    continue;
  }
  // Suites that fail to load have no failed tests but must still count as failures.
  const failedSuites = (report.testResults ?? []).filter(
    (suite) => suite.status === "failed" && (suite.assertionResults ?? []).length === 0,
  ).length;
  const tierPassed = report.numPassedTests ?? 0;
  const tierFailed = (report.numFailedTests ?? 0) + failedSuites;
  console.log(`${path}: ${tierPassed} passed, ${tierFailed} failed`);
  passed += tierPassed;
  failed += tierFailed;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
