import { defineConfig } from "vitest/config";

// The crash tier (`npm run test:crash`): CLI runs SIGKILLed at load boundaries and rerun, concurrent
// runs, injected faults. Each case spawns the CLI several times, so it stays out of `npm test`.
export default defineConfig({
  test: {
    include: ["test/crash/**/*.crash.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxConcurrency: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
