import { defineConfig } from "vitest/config";

// `npm run test:trino`: whole loads over the AWS path into the sandbox (real Trino behind the
// Athena protocol). One sandbox for the whole run, started by the globalSetup.
export default defineConfig({
  test: {
    include: ["test/trino/**/*.test.ts"],
    globalSetup: ["test/support/trino-sandbox.ts"],
    testTimeout: 900_000,
    hookTimeout: 1_800_000,
    pool: "forks",
    // Two cores and one Trino: files one after another keep statement timings predictable.
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
