import { describe, expect, it } from "vitest";
import { nonResourceAttributes, resourceAttributes } from "../../src/rbac/attributes.js";
import { forbiddenMessage, servedAttributes } from "../../src/rbac/forbidden.js";

const as = (name: string) => ({ name, groups: [] });

describe("forbiddenMessage (apiserver responsewriters/errors.go)", () => {
  it.each([
    [
      resourceAttributes(as("alice"), { verb: "list", resource: "pods", namespace: "default" }),
      "",
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    ],
    [
      resourceAttributes(as("alice"), {
        verb: "create",
        resource: "pods",
        subresource: "exec",
        name: "web-0",
        namespace: "default",
      }),
      "",
      'pods "web-0" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    ],
    [
      resourceAttributes(as("system:serviceaccount:kube-system:x"), { verb: "list", resource: "nodes" }),
      "",
      'nodes is forbidden: User "system:serviceaccount:kube-system:x" cannot list resource "nodes" in API group "" at the cluster scope',
    ],
    [
      resourceAttributes(as("alice"), { verb: "impersonate", resource: "users", name: "bob" }),
      "",
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    ],
    [
      resourceAttributes(as("NAME"), {
        verb: "get",
        apiGroup: "v2",
        resource: "pod",
        subresource: "quota",
        namespace: "test",
      }),
      "",
      'pod.v2 is forbidden: User "NAME" cannot get resource "pod/quota" in API group "v2" in the namespace "test"',
    ],
    [
      nonResourceAttributes(as("alice"), "get", "/metrics"),
      "",
      'forbidden: User "alice" cannot get path "/metrics"',
    ],
    [
      resourceAttributes(as("system:serviceaccount:monitor:kube-state-metrics"), {
        verb: "list",
        resource: "endpoints",
      }),
      'RBAC: clusterrole.rbac.authorization.k8s.io "kube-state-metrics" not found',
      'endpoints is forbidden: User "system:serviceaccount:monitor:kube-state-metrics" cannot list resource "endpoints" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "kube-state-metrics" not found',
    ],
    [
      nonResourceAttributes(as("a<b>&c"), "get", "/x"),
      "",
      'forbidden: User "a&lt;b&gt;&amp;c" cannot get path "/x"',
    ],
    [
      resourceAttributes(as('we"ird'), { verb: "get", resource: "pods", name: 'n"1', namespace: "d" }),
      "",
      'pods "n\\"1" is forbidden: User "we\\"ird" cannot get resource "pods" in API group "" in the namespace "d"',
    ],
  ])("%#: %s", (attributes, reason, expected) => {
    expect(forbiddenMessage(attributes, reason)).toBe(expected);
  });
});

describe("servedAttributes: the scope of the REST request a question stands for", () => {
  const alice = as("alice");
  it.each([
    [{ verb: "list", resource: "nodes", namespace: "default" }, ""],
    [{ verb: "get", resource: "nodes", subresource: "proxy", name: "n1", namespace: "default" }, ""],
    [{ verb: "get", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles", namespace: "x" }, ""],
    [{ verb: "list", resource: "namespaces", namespace: "default" }, ""],
    [{ verb: "get", resource: "namespaces", name: "kube-system", namespace: "default" }, "kube-system"],
    [{ verb: "update", resource: "namespaces", subresource: "finalize", name: "a" }, "a"],
    [{ verb: "get", resource: "pods", name: "log", namespace: "default" }, "default"],
    [{ verb: "get", resource: "widgets", namespace: "default" }, "default"],
    [{ verb: "get", resource: "*", namespace: "default" }, "default"],
  ])("%j is asked in namespace %j", (request, namespace) => {
    expect(servedAttributes(resourceAttributes(alice, request)).namespace).toBe(namespace);
  });

  it("says at the cluster scope for a cluster-scoped resource kubectl asks about in a namespace", () => {
    const attributes = resourceAttributes(alice, { verb: "get", resource: "nodes", namespace: "default" });
    expect(forbiddenMessage(servedAttributes(attributes))).toBe(
      'nodes is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope',
    );
  });
});
