import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { startClusterCache } from "../../src/webhook/cache.js";
import type { LogEntry } from "../../src/webhook/server.js";

describe("cluster cache", () => {
  it("is not ready, and serves no snapshot, until every kind has been listed; it keeps retrying", async () => {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromOptions({
      clusters: [{ name: "nowhere", server: "https://127.0.0.1:1", skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "c", cluster: "nowhere", user: "u" }],
      currentContext: "c",
    });
    const logs: LogEntry[] = [];
    const cache = startClusterCache({
      kubeconfig,
      kinds: ["Namespace"],
      restartDelayMs: 20,
      log: (e) => logs.push(e),
    });
    try {
      await expect(cache.waitForSync(300)).rejects.toThrow("cluster cache not synced after 300 ms");
      expect(cache.synced()).toBe(false);
      expect(cache.snapshot()).toBeUndefined();
      expect(logs.filter((l) => l.msg === "list/watch failed; restarting").length).toBeGreaterThan(1);
    } finally {
      await cache.stop();
    }
  });
});
