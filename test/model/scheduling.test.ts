import { describe, expect, it } from "vitest";
import type { Node, PodSpec } from "../../src/model/objects.js";
import { canSchedule, tolerates } from "../../src/model/scheduling.js";

const node = (
  name: string,
  labels: Record<string, string> = {},
  taints: NonNullable<Node["spec"]>["taints"] = [],
): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels },
  spec: { taints },
});
const controlPlane = node("cp", { "node-role.kubernetes.io/control-plane": "" }, [
  { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
]);
const worker = node("w1", { pool: "tenant-a", "cpu-count": "8" });
const spec = (extra: Partial<PodSpec>): PodSpec => ({ containers: [{ name: "c" }], ...extra });
const required = (terms: object[]): Partial<PodSpec> =>
  ({
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    },
  }) as Partial<PodSpec>;

describe("canSchedule", () => {
  it.each([
    ["a plain pod lands on an untainted worker", spec({}), worker, true],
    ["a plain pod does not land on a NoSchedule-tainted control plane", spec({}), controlPlane, false],
    [
      "a pod tolerating the control-plane taint lands there",
      spec({
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        ],
      }),
      controlPlane,
      true,
    ],
    [
      "an empty-key Exists toleration tolerates every taint",
      spec({ tolerations: [{ operator: "Exists" }] }),
      controlPlane,
      true,
    ],
    ["nodeName pins to that node only", spec({ nodeName: "cp" }), worker, false],
    ["nodeName bypasses taints (no scheduler involved)", spec({ nodeName: "cp" }), controlPlane, true],
    ["nodeSelector must match every label", spec({ nodeSelector: { pool: "tenant-b" } }), worker, false],
    [
      "required node affinity: terms are ORed",
      spec(
        required([
          { matchExpressions: [{ key: "pool", operator: "In", values: ["x"] }] },
          { matchExpressions: [{ key: "pool", operator: "In", values: ["tenant-a"] }] },
        ]),
      ),
      worker,
      true,
    ],
    [
      "Gt compares integers",
      spec(required([{ matchExpressions: [{ key: "cpu-count", operator: "Gt", values: ["16"] }] }])),
      worker,
      false,
    ],
    ["an empty term matches nothing", spec(required([{}])), worker, false],
    [
      "matchFields selects by node name",
      spec(required([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["w1"] }] }])),
      worker,
      true,
    ],
    [
      "a node without the label hasOwnProperty does not satisfy `hasOwnProperty Exists` (no prototype lookup)",
      spec(required([{ matchExpressions: [{ key: "hasOwnProperty", operator: "Exists" }] }])),
      worker,
      false,
    ],
    [
      "a node labelled constructor=x satisfies `constructor In [x]` and the nodeSelector constructor: x",
      spec({
        nodeSelector: { constructor: "x" },
        ...required([{ matchExpressions: [{ key: "constructor", operator: "In", values: ["x"] }] }]),
      }),
      node("w2", { constructor: "x" }),
      true,
    ],
  ] as const)("%s", (_reason, podSpec, target, expected) => {
    expect(canSchedule(podSpec, target)).toBe(expected);
  });
});

describe("tolerates", () => {
  const taint = { key: "dedicated", value: "team-a", effect: "NoSchedule" } as const;
  it.each([
    ["Equal with the same value", { key: "dedicated", operator: "Equal", value: "team-a" }, true],
    ["an absent operator means Equal", { key: "dedicated", value: "team-a" }, true],
    ["Equal with another value", { key: "dedicated", operator: "Equal", value: "team-b" }, false],
    ["Exists on the key ignores the value", { key: "dedicated", operator: "Exists" }, true],
    [
      "another effect does not tolerate",
      { key: "dedicated", operator: "Exists", effect: "NoExecute" },
      false,
    ],
    ["an unknown operator tolerates nothing", { key: "dedicated", operator: "Gt", value: "1" }, false],
  ] as const)("%s", (_reason, toleration, expected) => {
    expect(tolerates(toleration as Parameters<typeof tolerates>[0], taint)).toBe(expected);
  });
});
