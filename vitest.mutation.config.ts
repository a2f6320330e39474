import { defineConfig } from "vitest/config";

// The tests mutation testing runs: those that import src/ (the end-to-end tests run the built
// dist/ and cannot see a mutant).
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/local/**/*.test.ts", "test/integration/staging/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
