import { defineConfig } from "vitest/config";

// The parity tier (`npm run test:parity`): the corpus through dlt and through dlt-athena, compared.
export default defineConfig({
  test: {
    include: ["test/parity/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 1_800_000,
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
