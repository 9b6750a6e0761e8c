import { describe, expect, it } from "vitest";
import { example, findingsOf } from "../support.js";

const ID = "node.vcluster-host-without-pod-security";

describe(ID, () => {
  it("reports the host namespace that enforces nothing, and not the one enforcing baseline", () => {
    const findings = findingsOf(example("vcluster"), "vcluster", ID);
    expect(findings.map((f) => [f.severity, f.object, f.message, f.evidence[1]])).toEqual([
      [
        "critical",
        "namespace team-a-vc",
        "virtual cluster vc1's host namespace team-a-vc enforces no Pod Security: a privileged pod created inside the virtual cluster is synced to the host and escapes to a node shared with other virtual clusters",
        "namespace team-a-vc has no pod-security.kubernetes.io/enforce label, so Pod Security admits anything",
      ],
    ]);
    expect(findings[0]!.remediation).toMatch(
      /^kubectl label namespace team-a-vc pod-security.kubernetes.io\/enforce=baseline/,
    );
  });

  it("reports an explicit privileged level too, and nothing for baseline or restricted", () => {
    const cases: [string, boolean][] = [
      ["privileged", true],
      ["baseline", false],
      ["restricted", false],
    ];
    for (const [level, reported] of cases) {
      const snapshot = structuredClone(example("vcluster"));
      const ns = snapshot.namespaces.find((n) => n.metadata.name === "team-a-vc")!;
      ns.metadata.labels = { ...ns.metadata.labels, "pod-security.kubernetes.io/enforce": level };
      expect(findingsOf(snapshot, "vcluster", ID).length > 0, level).toBe(reported);
    }
  });
});
