/**
 * Runs once before all test files. Deliberately cheap: no cluster starts here. Each test file that needs a
 * real API server starts its own (`startTestCluster()` in test/support/cluster.ts, in beforeAll) and stops
 * it in afterAll, so files stay independent and run in parallel.
 */
export default function setup(): void {}
