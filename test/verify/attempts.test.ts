import { describe, expect, it } from "vitest";
import type { AttemptRequest } from "../../src/verify/attempt.js";
import { ATTEMPTS } from "../../src/verify/attempts/index.js";
import { classifyAnswer } from "../../src/verify/classify.js";
import { impersonationHeaders, impersonationOf, rbacSubject } from "../../src/verify/identity.js";
import type { VerifyTarget } from "../../src/verify/target.js";

const target: VerifyTarget = {
  tenant: "team-a",
  namespace: "team-a",
  actAs: { kind: "User", name: "alice" },
  foreign: { namespace: "team-b", owner: "team-b" },
  defaultDeny: "default-deny-all",
};

function requestOf(id: string, t: VerifyTarget = target): AttemptRequest {
  const planned = ATTEMPTS.find((a) => a.id === id)!.plan(t);
  if (!("request" in planned)) throw new Error(`${id} is not applicable`);
  return planned.request;
}

describe("attempts", () => {
  it("run in a fixed order, each with a unique id", () => {
    expect(ATTEMPTS.map((a) => a.id)).toEqual([
      "privileged-host-pod",
      "host-network-pod",
      "node-port-service",
      "cluster-admin-binding",
      "cross-tenant-binding",
      "pod-security-relabel",
      "webhook-selector-escape",
      "delete-default-deny",
    ]);
  });

  it("every request is a server-side dry run, so nothing is stored", () => {
    for (const attempt of ATTEMPTS) {
      const planned = attempt.plan(target);
      expect("request" in planned && planned.request.path.endsWith("?dryRun=All")).toBe(true);
    }
  });

  it.each([
    ["privileged-host-pod", "POST", "/api/v1/namespaces/team-a/pods?dryRun=All"],
    ["host-network-pod", "POST", "/api/v1/namespaces/team-a/pods?dryRun=All"],
    ["node-port-service", "POST", "/api/v1/namespaces/team-a/services?dryRun=All"],
    ["cluster-admin-binding", "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?dryRun=All"],
    [
      "cross-tenant-binding",
      "POST",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings?dryRun=All",
    ],
    ["pod-security-relabel", "PATCH", "/api/v1/namespaces/team-a?dryRun=All"],
    ["webhook-selector-escape", "PATCH", "/api/v1/namespaces/team-a?dryRun=All"],
    [
      "delete-default-deny",
      "DELETE",
      "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/default-deny-all?dryRun=All",
    ],
  ])("%s is %s %s", (id, method, path) => {
    expect(requestOf(id)).toMatchObject({ method, path });
  });

  it("the webhook selector escape relabels the namespace kube-system; held only if the answer keeps the name", () => {
    const request = requestOf("webhook-selector-escape");
    expect(request.body).toEqual({ metadata: { labels: { "kubernetes.io/metadata.name": "kube-system" } } });
    expect(request.contentType).toBe("application/merge-patch+json");
    const answer = (value: unknown) => ({ metadata: { labels: { "kubernetes.io/metadata.name": value } } });
    expect(request.undoneBy!(answer("team-a"))).toMatch(
      /^namespace\/team-a labeled \(server dry run\), but the API server kept/,
    );
    expect(request.undoneBy!(answer("kube-system"))).toBeUndefined();
    expect(request.undoneBy!({ metadata: {} })).toBeUndefined();
    expect(request.undoneBy!(null)).toBeUndefined();
    expect(classifyAnswer(request, { status: 200, body: answer("team-a") })).toMatchObject({
      verdict: "blocked",
      blockedBy: "api-server",
    });
    expect(classifyAnswer(request, { status: 200, body: answer("kube-system") })).toEqual({
      verdict: "accepted",
      status: 200,
      message:
        "namespace/team-a labeled (server dry run): kubernetes.io/metadata.name=kube-system, outside the webhook's namespaceSelector; a privileged pod there would not be reviewed",
    });
  });

  it("the privileged pod is privileged, shares the host's PIDs and mounts the node's /", () => {
    expect(requestOf("privileged-host-pod").body).toMatchObject({
      spec: {
        hostPID: true,
        containers: [
          { securityContext: { privileged: true }, volumeMounts: [{ name: "host", mountPath: "/host" }] },
        ],
        volumes: [{ name: "host", hostPath: { path: "/" } }],
      },
    });
  });

  it("pods carry requests and limits, so a quota demanding them cannot be what stops the attempt", () => {
    for (const id of ["privileged-host-pod", "host-network-pod"]) {
      const containers = (requestOf(id).body as { spec: { containers: { resources?: unknown }[] } }).spec
        .containers;
      for (const c of containers)
        expect(c.resources).toEqual({
          requests: { cpu: "100m", memory: "64Mi" },
          limits: { cpu: "100m", memory: "64Mi" },
        });
    }
  });

  it("the bindings name the identity acted as; the relabel is a merge patch of the enforce label", () => {
    const sa = { ...target, actAs: { kind: "ServiceAccount" as const, namespace: "team-a", name: "ci" } };
    expect(requestOf("cluster-admin-binding", sa).body).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", namespace: "team-a", name: "ci" }],
    });
    expect(requestOf("cross-tenant-binding").body).toMatchObject({
      metadata: { namespace: "team-b" },
      roleRef: { kind: "ClusterRole", name: "admin" },
      subjects: [{ kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" }],
    });
    expect(requestOf("pod-security-relabel")).toMatchObject({
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
    });
  });

  it("without a default-deny policy, there is nothing to delete: n/a, said as a weakness", () => {
    const planned = ATTEMPTS.find((a) => a.id === "delete-default-deny")!.plan({
      ...target,
      defaultDeny: undefined,
    });
    expect(planned).toEqual({
      notApplicable:
        'n/a: no default-deny policy to delete: no NetworkPolicy in namespace "team-a" selects every pod and allows nothing, so the namespace is open on the network plane',
    });
  });

  it("a namespace already enforcing privileged has no Pod Security to remove: n/a", () => {
    const planned = ATTEMPTS.find((a) => a.id === "pod-security-relabel")!.plan({
      ...target,
      enforceLevel: "privileged",
    });
    expect(planned).toEqual({
      notApplicable:
        'n/a: namespace "team-a" already enforces Pod Security "privileged"; there is no protection to remove',
    });
  });
});

describe("impersonation", () => {
  it.each([
    [
      "a User by name; the server adds system:authenticated",
      { kind: "User" as const, name: "alice" },
      { "Impersonate-User": "alice" },
    ],
    [
      "a ServiceAccount by its username; the server adds its groups",
      { kind: "ServiceAccount" as const, namespace: "ci", name: "deployer" },
      { "Impersonate-User": "system:serviceaccount:ci:deployer" },
    ],
    [
      "a Group through a stand-in user, with system:authenticated named (given groups are the whole list)",
      { kind: "Group" as const, name: "devs" },
      {
        "Impersonate-User": "kubefence:verify:team-a",
        "Impersonate-Group": ["devs", "system:authenticated"],
      },
    ],
  ])("%s", (_reason, subject, headers) => {
    expect(impersonationHeaders(impersonationOf(subject, "team-a"))).toEqual(headers);
  });

  it("names the same identity as an RBAC subject", () => {
    expect(rbacSubject({ kind: "Group", name: "devs" })).toEqual({
      kind: "Group",
      name: "devs",
      apiGroup: "rbac.authorization.k8s.io",
    });
  });
});
