/**
 * The proof: kubefence's authorizer against the real kube-apiserver (v1.20.2). A fast-check generator
 * builds random RBAC (aggregation, namespace-less ServiceAccount subjects, wildcards, subresources,
 * resourceNames, nonResourceURLs, RoleBindings to ClusterRoles, bindings to missing roles) and random
 * requests; each policy is applied next to the cluster's built-in RBAC, the server is asked with
 * SubjectAccessReviews, and its `allowed` (and reason) must equal kubefence's. Any disagreement fails with
 * the smallest counterexample fast-check can shrink to. Also `can-i --list` vs `kubectl auth can-i --list`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/objects.js";
import { accessListRules, renderAccessList, subjectRulesReview } from "../../src/rbac/access-list.js";
import { impersonatedUser, type RequestAttributes } from "../../src/rbac/attributes.js";
import { type Authorizer, buildAuthorizer } from "../../src/rbac/authorizer.js";
import { ruleKey } from "../../src/rbac/aggregation.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { ruleAllows } from "../../src/rbac/matchers.js";
import { describeSource } from "../../src/rbac/policy.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { NAMESPACES, policyArb, type RbacPolicy, requestArb } from "./arbitrary.js";
import { rbacSnapshot } from "./fixtures.js";

const POLICIES = Number(process.env.KUBEFENCE_DIFF_POLICIES ?? 200);
const REQUESTS_PER_POLICY = 100;
const CONCURRENCY = 48;
const LABEL = "kubefence-differential";
const RBAC = "/apis/rbac.authorization.k8s.io/v1";

let cluster: TestCluster;
let batch = 0;

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply(NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })));
});
afterAll(() => cluster?.stop());

function labelled<T extends KubeObject>(object: T): T {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, [LABEL]: "1" } } };
}

function policyObjects(policy: RbacPolicy): RbacPolicy {
  return {
    clusterRoles: policy.clusterRoles.map(labelled),
    roles: policy.roles.map(labelled),
    clusterRoleBindings: policy.clusterRoleBindings.map(labelled),
    roleBindings: policy.roleBindings.map(labelled),
  };
}

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface ServerStatus {
  allowed: boolean;
  reason?: string;
  evaluationError?: string;
}

async function serverReview(request: RequestAttributes): Promise<ServerStatus> {
  const spec = request.resourceRequest
    ? {
        resourceAttributes: {
          namespace: request.namespace,
          verb: request.verb,
          group: request.apiGroup,
          resource: request.resource,
          subresource: request.subresource,
          name: request.name,
        },
      }
    : { nonResourceAttributes: { path: request.path, verb: request.verb } };
  const answer = await cluster.request<{ status: ServerStatus }>(
    "POST",
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: { ...spec, user: request.user.name, groups: request.user.groups },
    },
  );
  if (answer.status !== 201) throw new Error(`SubjectAccessReview: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.status;
}

/** Applies the policy and waits until the server's authorizer sees it with aggregation settled. */
async function install(policy: RbacPolicy, authorizer: Authorizer): Promise<void> {
  const objects = policyObjects(policy);
  await cluster.apply([...objects.clusterRoles, ...objects.roles, ...objects.clusterRoleBindings, ...objects.roleBindings]);
  const expected = [...authorizer.policy.clusterRoles.values()].filter((r) => r.aggregationRule);
  await until("ClusterRole aggregation to settle as kubefence computes it", async () => {
    const list = await cluster.request<{ items: { metadata: { name: string }; rules?: object[] }[] }>("GET", `${RBAC}/clusterroles`);
    const live = new Map(list.body.items.map((r) => [r.metadata.name, (r.rules ?? []).map((x) => ruleKey(x as never)).join("|")]));
    return expected.every((r) => live.get(r.metadata.name) === (r.rules ?? []).map(ruleKey).join("|"));
  });
  // Sentinels created last: once the server allows them, its informers have seen everything before them.
  const id = `sentinel-${++batch}`;
  const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: { [LABEL]: "1" } });
  const rbac = "rbac.authorization.k8s.io";
  await cluster.apply([
    { apiVersion: `${rbac}/v1`, kind: "ClusterRole", metadata: meta(id), rules: [{ verbs: ["get"], apiGroups: [""], resources: [id] }] },
    { apiVersion: `${rbac}/v1`, kind: "Role", metadata: meta(id, "ns-b"), rules: [{ verbs: ["get"], apiGroups: [""], resources: [id] }] },
    { apiVersion: `${rbac}/v1`, kind: "ClusterRoleBinding", metadata: meta(id), roleRef: { apiGroup: rbac, kind: "ClusterRole", name: id }, subjects: [{ kind: "User", apiGroup: rbac, name: id }] },
    { apiVersion: `${rbac}/v1`, kind: "RoleBinding", metadata: meta(id, "ns-b"), roleRef: { apiGroup: rbac, kind: "Role", name: id }, subjects: [{ kind: "User", apiGroup: rbac, name: `${id}-rb` }] },
  ]);
  const sentinel = (name: string, namespace: string): RequestAttributes => ({
    user: { name, groups: [] }, verb: "get", resourceRequest: true, namespace, apiGroup: "", resource: id, subresource: "", name: "", path: "",
  });
  await until("the authorizer to see the policy", async () =>
    (await serverReview(sentinel(id, ""))).allowed && (await serverReview(sentinel(`${id}-rb`, "ns-b"))).allowed,
  );
}

async function uninstall(): Promise<void> {
  const query = `?labelSelector=${LABEL}%3D1`;
  const paths = [`${RBAC}/clusterroles`, `${RBAC}/clusterrolebindings`, ...NAMESPACES.flatMap((ns) => [`${RBAC}/namespaces/${ns}/roles`, `${RBAC}/namespaces/${ns}/rolebindings`])];
  for (const path of paths) {
    const answer = await cluster.request("DELETE", `${path}${query}`);
    if (answer.status !== 200) throw new Error(`DELETE ${path}: ${answer.status}`);
  }
}

/** Every source that allows the request in kubefence's model (the server may name any of them: lister order). */
function allowingSources(authorizer: Authorizer, request: RequestAttributes): Set<string> {
  const sources = new Set<string>();
  for (const grant of authorizer.rulesFor(request.user, request.namespace).rules)
    if (ruleAllows(request, grant.rule)) sources.add(`RBAC: allowed by ${describeSource(grant)}`);
  return sources;
}

function errorSet(reason: string): string[] {
  if (!reason.startsWith("RBAC: ")) return reason ? [reason] : [];
  const inner = reason.slice("RBAC: ".length);
  return (inner.startsWith("[") ? inner.slice(1, -1).split(", ") : [inner]).sort();
}

/** "" when they agree, else what differs. */
function disagreement(authorizer: Authorizer, request: RequestAttributes, server: ServerStatus): string {
  const ours = authorizer.authorize(request);
  const serverReason = server.reason ?? "";
  if (ours.allowed !== server.allowed)
    return `allowed: server ${server.allowed} (${JSON.stringify(serverReason)}), kubefence ${ours.allowed} (${JSON.stringify(ours.reason)})`;
  if (ours.allowed && !ours.superuser && !allowingSources(authorizer, request).has(serverReason))
    return `server allowed by a source kubefence does not see as allowing: ${serverReason}`;
  if (ours.superuser && serverReason !== "") return `superuser reason: server ${JSON.stringify(serverReason)}`;
  if (!ours.allowed && JSON.stringify(errorSet(serverReason)) !== JSON.stringify(errorSet(ours.reason)))
    return `denial reason: server ${JSON.stringify(serverReason)}, kubefence ${JSON.stringify(ours.reason)}`;
  return "";
}

let checkedRequests = 0;
let checkedPolicies = 0;

describe("kubefence vs the real API server", () => {
  it(
    `agrees on ${POLICIES} random policies × ${REQUESTS_PER_POLICY} SubjectAccessReviews`,
    async () => {
      const property = fc.asyncProperty(
        policyArb,
        fc.array(requestArb, { minLength: REQUESTS_PER_POLICY, maxLength: REQUESTS_PER_POLICY }),
        async (policy, requests) => {
          const authorizer = buildAuthorizer(withBuiltinRbac(rbacSnapshot(policyObjects(policy))));
          await install(policy, authorizer);
          try {
            const statuses = await pool(requests, CONCURRENCY, serverReview);
            checkedPolicies++;
            checkedRequests += requests.length;
            const failures = requests
              .map((request, i) => ({ request, problem: disagreement(authorizer, request, statuses[i]!) }))
              .filter((f) => f.problem);
            if (failures.length > 0)
              throw new Error(`${failures[0]!.problem}\nrequest: ${JSON.stringify(failures[0]!.request)}`);
          } finally {
            await uninstall();
          }
        },
      );
      const result = await fc.check(property, { numRuns: POLICIES, seed: process.env.KUBEFENCE_SEED ? Number(process.env.KUBEFENCE_SEED) : undefined });
      if (result.failed) {
        const [policy] = result.counterexample ?? [];
        throw new Error(
          `kubefence disagrees with kube-apiserver (seed ${result.seed}, path ${result.counterexamplePath}, shrunk ${result.numShrinks} times)\n` +
            `${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n` +
            `smallest policy:\n${JSON.stringify(policy, null, 1)}`,
        );
      }
      expect(checkedPolicies).toBeGreaterThanOrEqual(POLICIES);
      expect(checkedRequests).toBeGreaterThanOrEqual(POLICIES * REQUESTS_PER_POLICY);
    },
    600_000,
  );
});
