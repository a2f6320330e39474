import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Slower tiers have their own configs and npm scripts: the crash tier (vitest.crash.config.ts,
    // `npm run test:crash`), the Trino tier (vitest.trino.config.ts, `npm run test:trino`) and the
    // parity tier (`npm run test:parity`).
    exclude: ["**/node_modules/**", "test/crash/**", "test/trino/**", "test/parity/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
