/** Control-plane placement: pinned (nodeName, nodeSelector, required affinity) or tolerating the taint. */
import { describe, expect, it } from "vitest";
import type { Node } from "../../src/model/objects.js";
import { controlPlanePlacement } from "../../src/podsecurity/placement.js";
import type { PodSpec } from "./support.js";

type Toleration = NonNullable<PodSpec["tolerations"]>[number];

const nodes = [
  {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: "cp",
      labels: { "kubernetes.io/hostname": "cp", "node-role.kubernetes.io/control-plane": "" },
    },
    spec: { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] },
  },
  { apiVersion: "v1", kind: "Node", metadata: { name: "w", labels: { "kubernetes.io/hostname": "w" } } },
] as Node[];

describe("controlPlanePlacement", () => {
  it("a pod on a worker with no tolerations is not placed on the control plane", () => {
    expect(controlPlanePlacement({ nodeName: "w", containers: [] }, nodes)).toEqual([]);
  });
  it("nodeName of a control-plane node pins it", () => {
    expect(controlPlanePlacement({ nodeName: "cp", containers: [] }, nodes)).toEqual([
      { field: "spec.nodeName=cp", detail: "bound to control-plane node cp", pinned: true },
    ]);
  });
  it("a nodeSelector on the role label, or one matching only control-plane nodes, pins it", () => {
    expect(
      controlPlanePlacement(
        { nodeSelector: { "node-role.kubernetes.io/master": "" }, containers: [] },
        nodes,
      )[0]?.pinned,
    ).toBe(true);
    expect(
      controlPlanePlacement({ nodeSelector: { "kubernetes.io/hostname": "cp" }, containers: [] }, nodes)[0]
        ?.detail,
    ).toBe("nodeSelector kubernetes.io/hostname=cp matches only control-plane nodes (cp)");
    expect(
      controlPlanePlacement({ nodeSelector: { "kubernetes.io/hostname": "w" }, containers: [] }, nodes),
    ).toEqual([]);
  });
  it("required node affinity on the role label pins it", () => {
    const spec: PodSpec = {
      containers: [],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }] },
            ],
          },
        },
      },
    };
    expect(controlPlanePlacement(spec, nodes).map((p) => p.pinned)).toEqual([true]);
  });
  it.each([
    [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule", operator: "Exists" }, true],
    [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }, true],
    [{ operator: "Exists" }, true],
    [{ key: "node-role.kubernetes.io/control-plane", effect: "NoExecute", operator: "Exists" }, false],
    [{ key: "node-role.kubernetes.io/control-plane", value: "x" }, false],
    [{ key: "dedicated", operator: "Exists" }, false],
  ] as [Toleration, boolean][])(
    "toleration %j tolerates the control-plane taint: %s",
    (toleration, tolerated) => {
      const placement = controlPlanePlacement({ tolerations: [toleration], containers: [] }, nodes);
      expect(placement.length > 0).toBe(tolerated);
      if (tolerated) expect(placement[0]!.pinned).toBe(false);
    },
  );
});
