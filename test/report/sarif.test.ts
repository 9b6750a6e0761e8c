import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import { renderSarif } from "../../src/report/sarif.js";

const onManifest: Finding = {
  id: "node.takeover",
  plane: "node",
  severity: "critical",
  subject: "default/busybox[Pod]",
  object: "node kind-worker",
  message: "default/busybox[Pod] can take over node kind-worker",
  evidence: ["spec.hostPID=true"],
  remediation: "remove hostPID",
  resource: { kind: "Pod", namespace: "default", name: "busybox" },
  origin: { file: "/repo/k8s/pod.yaml", line: 12, column: 1 },
};
const live: Finding = {
  ...onManifest,
  id: "rbac.cluster-wide-read",
  plane: "api",
  severity: "medium",
  origin: { cluster: "prod" },
};

describe("renderSarif", () => {
  const log = JSON.parse(renderSarif([onManifest, live], { version: "1.2.3", baseDir: "/repo" }));
  const run = log.runs[0];

  it("is SARIF 2.1.0 with one rule per finding id", () => {
    expect(log.version).toBe("2.1.0");
    expect(run.tool.driver.name).toBe("kubefence");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      "node.takeover",
      "rbac.cluster-wide-read",
    ]);
  });

  it("puts manifest findings on their file and line, relative to the repository root", () => {
    expect(run.results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "k8s/pod.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 12, startColumn: 1 },
    });
    expect(run.results[0].level).toBe("error");
  });

  it("names live-cluster findings' objects as logical locations, without a file", () => {
    expect(run.results[1].locations[0].physicalLocation).toBeUndefined();
    expect(run.results[1].locations[0].logicalLocations[0].fullyQualifiedName).toBe("Pod/default/busybox");
    expect(run.results[1].level).toBe("warning");
    expect(run.results[1].ruleIndex).toBe(1);
  });
});
