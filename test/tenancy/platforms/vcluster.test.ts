import { describe, expect, it } from "vitest";
import { peerName } from "../../../src/model/workloads.js";
import { virtualClusters } from "../../../src/tenancy/platforms/vcluster.js";
import { resolveTenants } from "../../../src/tenancy/tenants.js";
import { example, snapshotOf } from "./support.js";

describe("--tenants-from vcluster", () => {
  it("makes each virtual cluster a tenant of its host namespace, acting on the host as its syncer's ServiceAccount", () => {
    const { tenancy, diagnostics } = resolveTenants(example("vcluster"), {
      from: "platform",
      platforms: ["vcluster"],
    });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces, t.from])).toEqual([
      [
        "vc1",
        ["team-a-vc"],
        {
          platform: "vcluster",
          declaredBy: { kind: "StatefulSet", namespace: "team-a-vc", name: "vc1" },
          identities: [
            { subject: { kind: "ServiceAccount", namespace: "team-a-vc", name: "vc-vc1" }, role: "syncer" },
          ],
        },
      ],
      [
        "vc2",
        ["team-b-vc"],
        {
          platform: "vcluster",
          declaredBy: { kind: "StatefulSet", namespace: "team-b-vc", name: "vc2" },
          identities: [
            { subject: { kind: "ServiceAccount", namespace: "team-b-vc", name: "vc-vc2" }, role: "syncer" },
          ],
        },
      ],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual(["tenants from vcluster (2 tenants: vc1, vc2)"]);
  });

  it("adds multi-namespace mode's host namespaces by their vcluster-name label, and keeps same-named virtual clusters apart", () => {
    const snapshot = snapshotOf(`
apiVersion: v1
kind: Pod
metadata: {name: dev-0, namespace: host-a, labels: {app: vcluster, release: dev}}
spec: {serviceAccountName: vc-dev, containers: [{name: syncer, image: vcluster}]}
---
apiVersion: v1
kind: Pod
metadata: {name: dev-0, namespace: host-b, labels: {app: vcluster, release: dev}}
spec: {containers: [{name: syncer, image: vcluster}]}
---
apiVersion: v1
kind: Namespace
metadata:
  name: vcluster-web-x-a
  labels: {vcluster.loft.sh/vcluster-name: dev, vcluster.loft.sh/vcluster-namespace: host-a}
---
apiVersion: v1
kind: Namespace
metadata:
  name: stray
  labels: {vcluster.loft.sh/vcluster-name: gone, vcluster.loft.sh/vcluster-namespace: nowhere}
`);
    expect(virtualClusters(snapshot).map((c) => [c.namespace, c.name, c.serviceAccount])).toEqual([
      ["host-a", "dev", "vc-dev"],
      ["host-b", "dev", "default"],
    ]);
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: ["vcluster"] });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces])).toEqual([
      ["dev.host-a", ["host-a", "vcluster-web-x-a"]],
      ["dev.host-b", ["host-b"]],
      ["gone.nowhere", ["stray"]],
    ]);
    expect(diagnostics.map((d) => d.message)).toContain(
      'namespace stray is labelled vcluster.loft.sh/vcluster-name for virtual cluster "gone.nowhere", whose control plane (pods labelled app=vcluster) was not read: grouped as tenant "gone.nowhere"',
    );
  });

  it("names a synced pod by its virtual name and its host name, from the annotations, never the host name", () => {
    const { snapshot } = { snapshot: example("vcluster") };
    const names = snapshot.pods.map(peerName).sort();
    expect(names).toEqual([
      "vc1: default/web[Pod] (host team-a-vc/web-x-default-x-vc1)",
      "vc2: observability/metrics-collector-with-a-very-long-name[Pod] (host team-b-vc/metrics-collector-x-observability-x-vc2-5f3c2a1b9e)",
    ]);
    // Without the syncer's label, annotations alone decide nothing.
    const plain = structuredClone(snapshot.pods[0]!);
    plain.metadata.labels = {};
    expect(peerName(plain)).toBe("team-a-vc/web-x-default-x-vc1[Pod]");
  });
});
