import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The crash and parity tiers have their own configs (`npm run test:crash`, `npm run test:parity`).
    exclude: ["**/node_modules/**", "test/crash/**", "test/parity/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
