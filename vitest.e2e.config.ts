import { defineConfig } from "vitest/config";

// The real-node suite (test/e2e): one node per machine at a time, so its files run one after another.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 420_000,
  },
});
