/**
 * The proof: kubefence's authorizer against the real kube-apiserver (the test cluster's, v1.37.2). A fast-check generator
 * builds random RBAC (aggregation, namespace-less ServiceAccount subjects, wildcards, subresources,
 * resourceNames, nonResourceURLs, RoleBindings to ClusterRoles, bindings to missing roles) and random
 * requests; each policy is applied next to the cluster's built-in RBAC, the server is asked with
 * SubjectAccessReviews, and its `allowed` (and reason) must equal kubefence's. Any disagreement fails with
 * the smallest counterexample fast-check can shrink to. Also `can-i --list` vs `kubectl auth can-i --list`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goList } from "../../src/model/go-format.js";
import type { KubeObject, PolicyRule } from "../../src/model/objects.js";
import {
  accessListRules,
  breakdownRule,
  combineResourceGroup,
  rulesReviewStatus,
  subjectRulesReview,
} from "../../src/rbac/access-list.js";
import { ruleKey } from "../../src/rbac/aggregation.js";
import { impersonatedUser, type RequestAttributes, type UserInfo } from "../../src/rbac/attributes.js";
import { type Authorizer, buildAuthorizer } from "../../src/rbac/authorizer.js";
import { builtinRbac, withBuiltinRbac } from "../../src/rbac/builtin.js";
import { ruleAllows } from "../../src/rbac/matchers.js";
import { describeSource } from "../../src/rbac/policy.js";
import { resolveType, STANDARD_RESOURCES } from "../../src/rbac/resources.js";
import { renderAccessList } from "../../src/report/access-list.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import {
  LIST_IDENTITIES,
  NAMESPACES,
  policyArb,
  type RbacPolicy,
  requestArb,
  severalBindingsPolicyArb,
} from "./arbitrary.js";
import { rbacSnapshot } from "./fixtures.js";

const POLICIES = Number(process.env.KUBEFENCE_DIFF_POLICIES ?? 200);
const REQUESTS_PER_POLICY = 100;
const CONCURRENCY = 48;
const LABEL = "kubefence-differential";
const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const BUILTIN_CLUSTER_ROLES = new Set(builtinRbac().clusterRoles.map((r) => r.metadata.name));

let cluster: TestCluster;
let batch = 0;

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply(
    NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })),
  );
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
  if (answer.status !== 201)
    throw new Error(`SubjectAccessReview: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.status;
}

/** Applies the policy and waits until the server's authorizer sees it with aggregation settled. */
async function install(policy: RbacPolicy, authorizer: Authorizer): Promise<void> {
  const objects = policyObjects(policy);
  await cluster.apply([
    ...objects.clusterRoles,
    ...objects.roles,
    ...objects.clusterRoleBindings,
    ...objects.roleBindings,
  ]);
  await settle(authorizer);
}

/** Whether the server's aggregating ClusterRoles hold exactly the rules kubefence computes. */
async function aggregationMatches(authorizer: Authorizer): Promise<boolean> {
  const expected = [...authorizer.policy.clusterRoles.values()].filter((r) => r.aggregationRule);
  const list = await cluster.request<{ items: { metadata: { name: string }; rules?: object[] }[] }>(
    "GET",
    `${RBAC}/clusterroles`,
  );
  const live = new Map(
    list.body.items.map((r) => [r.metadata.name, (r.rules ?? []).map((x) => ruleKey(x as never)).join("|")]),
  );
  return expected.every((r) => live.get(r.metadata.name) === (r.rules ?? []).map(ruleKey).join("|"));
}

/**
 * Waits until aggregation has settled as kubefence computes it — five matching reads in a row, since the
 * controller re-syncs from a possibly stale cache and can pass through the final state on its way — and
 * until the server's authorizer has seen everything up to now (sentinel bindings created last).
 */
async function settle(authorizer: Authorizer): Promise<void> {
  let streak = 0;
  await until("ClusterRole aggregation to settle as kubefence computes it", async () => {
    streak = (await aggregationMatches(authorizer)) ? streak + 1 : 0;
    if (streak > 0 && streak < 5) await new Promise((resolve) => setTimeout(resolve, 60));
    return streak >= 5;
  });
  // Sentinels created last: once the server allows them, its informers have seen everything before them.
  const id = `sentinel-${++batch}`;
  const meta = (name: string, namespace?: string) => ({
    name,
    ...(namespace ? { namespace } : {}),
    labels: { [LABEL]: "1" },
  });
  const rbac = "rbac.authorization.k8s.io";
  await cluster.apply([
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRole",
      metadata: meta(id),
      rules: [{ verbs: ["get"], apiGroups: [""], resources: [id] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "Role",
      metadata: meta(id, "ns-b"),
      rules: [{ verbs: ["get"], apiGroups: [""], resources: [id] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRoleBinding",
      metadata: meta(id),
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: id },
      subjects: [{ kind: "User", apiGroup: rbac, name: id }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: meta(id, "ns-b"),
      roleRef: { apiGroup: rbac, kind: "Role", name: id },
      subjects: [{ kind: "User", apiGroup: rbac, name: `${id}-rb` }],
    },
  ]);
  const sentinel = (name: string, namespace: string): RequestAttributes => ({
    user: { name, groups: [] },
    verb: "get",
    resourceRequest: true,
    namespace,
    apiGroup: "",
    resource: id,
    subresource: "",
    name: "",
    path: "",
  });
  await until(
    "the authorizer to see the policy",
    async () =>
      (await serverReview(sentinel(id, ""))).allowed &&
      (await serverReview(sentinel(`${id}-rb`, "ns-b"))).allowed,
  );
}

async function uninstall(): Promise<void> {
  const query = `?labelSelector=${LABEL}%3D1`;
  const paths = [
    `${RBAC}/clusterroles`,
    `${RBAC}/clusterrolebindings`,
    ...NAMESPACES.flatMap((ns) => [
      `${RBAC}/namespaces/${ns}/roles`,
      `${RBAC}/namespaces/${ns}/rolebindings`,
    ]),
  ];
  for (const path of paths) {
    const answer = await cluster.request("DELETE", `${path}${query}`);
    if (answer.status !== 200) throw new Error(`DELETE ${path}: ${answer.status}`);
  }
  // Since v1.21 the aggregation controller writes by server-side apply, which creates what is not there: a
  // sync still in flight for an aggregating role just deleted re-creates it (unlabelled, no aggregationRule,
  // the rules that sync computed, often none — but a binding to it no longer misses its role). Delete such
  // strays until five reads in a row find none.
  let streak = 0;
  await until("ClusterRoles re-created by the aggregation controller to stay deleted", async () => {
    const list = await cluster.request<{ items: { metadata: { name: string } }[] }>(
      "GET",
      `${RBAC}/clusterroles`,
    );
    const strays = list.body.items
      .map((r) => r.metadata.name)
      .filter((name) => !BUILTIN_CLUSTER_ROLES.has(name));
    for (const name of strays) await cluster.request("DELETE", `${RBAC}/clusterroles/${name}`);
    streak = strays.length === 0 ? streak + 1 : 0;
    if (streak > 0 && streak < 5) await new Promise((resolve) => setTimeout(resolve, 60));
    return streak >= 5;
  });
}

/** Every source that allows the request in kubefence's model (the server may name any of them: lister order). */
function allowingSources(authorizer: Authorizer, request: RequestAttributes): Set<string> {
  const sources = new Set<string>();
  for (const grant of authorizer.rulesFor(request.user, request.namespace).rules)
    if (ruleAllows(request, grant.rule)) sources.add(`RBAC: allowed by ${describeSource(grant)}`);
  return sources;
}

/** The resolution errors of a denial reason (`rbac: RBAC: [e1, e2]`), sorted: their order is the lister's. */
function errorSet(reason: string): string[] {
  const prefix = "rbac: RBAC: ";
  if (!reason.startsWith(prefix)) return reason ? [reason] : [];
  const inner = reason.slice(prefix.length);
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
  if (ours.superuser && serverReason !== "")
    return `superuser reason: server ${JSON.stringify(serverReason)}`;
  if (!ours.allowed && JSON.stringify(errorSet(serverReason)) !== JSON.stringify(errorSet(ours.reason)))
    return `denial reason: server ${JSON.stringify(serverReason)}, kubefence ${JSON.stringify(ours.reason)}`;
  return "";
}

/** Smaller variants of a policy: one object, rule or subject fewer. */
function* smaller(policy: RbacPolicy): Generator<RbacPolicy> {
  const fields = ["clusterRoleBindings", "roleBindings", "clusterRoles", "roles"] as const;
  for (const field of fields)
    for (let i = 0; i < policy[field].length; i++)
      yield { ...policy, [field]: policy[field].filter((_, j) => j !== i) };
  for (const field of ["clusterRoles", "roles"] as const)
    for (let i = 0; i < policy[field].length; i++) {
      const rules = policy[field][i]!.rules ?? [];
      for (let r = 0; r < rules.length; r++)
        yield {
          ...policy,
          [field]: policy[field].map((o, j) =>
            j === i ? { ...o, rules: rules.filter((_, k) => k !== r) } : o,
          ),
        };
    }
  for (const field of ["clusterRoleBindings", "roleBindings"] as const)
    for (let i = 0; i < policy[field].length; i++) {
      const subjects = policy[field][i]!.subjects ?? [];
      if (subjects.length < 2) continue;
      for (let s = 0; s < subjects.length; s++)
        yield {
          ...policy,
          [field]: policy[field].map((o, j) =>
            j === i ? { ...o, subjects: subjects.filter((_, k) => k !== s) } : o,
          ),
        };
    }
}

async function disagrees(policy: RbacPolicy, request: RequestAttributes): Promise<string> {
  const authorizer = buildAuthorizer(withBuiltinRbac(rbacSnapshot(policyObjects(policy))));
  await install(policy, authorizer);
  try {
    return disagreement(authorizer, request, await serverReview(request));
  } finally {
    await uninstall();
  }
}

/** Greedy shrinking against the server: drop whatever keeps the disagreement, until nothing can go. */
async function shrink(
  policy: RbacPolicy,
  request: RequestAttributes,
  problem: string,
): Promise<{ policy: RbacPolicy; problem: string }> {
  let current = { policy, problem };
  for (let progress = true; progress; ) {
    progress = false;
    for (const candidate of smaller(current.policy)) {
      const found = await disagrees(candidate, request);
      if (found) {
        current = { policy: candidate, problem: found };
        progress = true;
        break;
      }
    }
  }
  return current;
}

let checkedRequests = 0;
let checkedPolicies = 0;

describe("kubefence vs the real API server", () => {
  it(`agrees on ${POLICIES} random policies × ${REQUESTS_PER_POLICY} SubjectAccessReviews`, async () => {
    let failure: { policy: RbacPolicy; request: RequestAttributes; problem: string } | undefined;
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
          let i = requests.findIndex((request, k) => disagreement(authorizer, request, statuses[k]!));
          if (i >= 0) {
            // Rule out a controller still in motion: settle again and ask the disagreeing requests again.
            await settle(authorizer);
            for (let k = 0; k < requests.length; k++)
              if (disagreement(authorizer, requests[k]!, statuses[k]!))
                statuses[k] = await serverReview(requests[k]!);
            i = requests.findIndex((request, k) => disagreement(authorizer, request, statuses[k]!));
          }
          if (i >= 0) {
            failure = {
              policy,
              request: requests[i]!,
              problem: disagreement(authorizer, requests[i]!, statuses[i]!),
            };
            return false;
          }
          return true;
        } finally {
          await uninstall();
        }
      },
    );
    const seed = process.env.KUBEFENCE_SEED
      ? Number(process.env.KUBEFENCE_SEED)
      : Date.now() ^ (Math.random() * 0x7fffffff);
    // fast-check's own shrinking would replay whole 100-request batches; we shrink the one failing request's policy instead.
    const result = await fc.check(property, { numRuns: POLICIES, seed, endOnFailure: true });
    if (result.failed && failure) {
      const smallest = await shrink(failure.policy, failure.request, failure.problem);
      throw new Error(
        `kubefence disagrees with kube-apiserver (KUBEFENCE_SEED=${seed})\n${smallest.problem}\n` +
          `request: ${JSON.stringify(failure.request)}\nsmallest policy: ${JSON.stringify(smallest.policy, null, 1)}`,
      );
    }
    if (result.failed) throw result.errorInstance;
    expect(checkedPolicies).toBeGreaterThanOrEqual(POLICIES);
    expect(checkedRequests).toBeGreaterThanOrEqual(POLICIES * REQUESTS_PER_POLICY);
  }, 600_000);
});

/** The rules kubefence resolves for the user, one block per binding, in kubefence's visit order. */
interface BindingBlock {
  cluster: boolean;
  rules: PolicyRule[];
  /** Its resource rules broken down as kubectl does: [row (Resources + Resource Names cells), verb]. */
  cells: [string, string][];
}

function bindingBlocks(authorizer: Authorizer, user: UserInfo, namespace: string): BindingBlock[] {
  const blocks: BindingBlock[] = [];
  let last: unknown;
  for (const grant of authorizer.rulesFor(user, namespace).rules) {
    if (grant.binding !== last)
      blocks.push({ cluster: grant.binding.kind === "ClusterRoleBinding", rules: [], cells: [] });
    last = grant.binding;
    const block = blocks[blocks.length - 1]!;
    block.rules.push(grant.rule);
    for (const piece of breakdownRule(grant.rule))
      if ((piece.resources ?? []).length > 0)
        block.cells.push([
          `${combineResourceGroup(piece.resources, piece.apiGroups)}\t${goList(piece.resourceNames)}`,
          piece.verbs![0]!,
        ]);
  }
  return blocks;
}

/** kubectl's --list resource rows: Resources + Resource Names cells → the Verbs cell, in its order. */
function verbsByRow(table: string): Map<string, string[]> {
  const [header = "", ...rows] = table.trimEnd().split("\n");
  const urls = header.indexOf("Non-Resource URLs");
  const names = header.indexOf("Resource Names");
  const verbs = header.indexOf("Verbs");
  const result = new Map<string, string[]>();
  for (const row of rows) {
    if (row.slice(urls, names).trim() !== "[]") continue;
    const key = `${row.slice(0, urls).trimEnd()}\t${row.slice(names, verbs).trimEnd()}`;
    result.set(
      key,
      row
        .slice(verbs)
        .replace(/^\[|\]$/g, "")
        .split(" "),
    );
  }
  return result;
}

/**
 * An order of visiting the bindings that the server may take (ClusterRoleBindings first, then
 * RoleBindings, each in its cache's map order) under which every row merges its verbs in the order kubectl
 * printed them; undefined when there is none.
 */
function serverVisitOrder(
  blocks: readonly BindingBlock[],
  rows: Map<string, string[]>,
): BindingBlock[] | undefined {
  const apply = (seen: Map<string, string[]>, block: BindingBlock) => {
    const next = new Map([...seen].map(([k, v]) => [k, [...v]]));
    let added = false;
    for (const [row, verb] of block.cells) {
      const verbs = next.get(row) ?? [];
      if (verbs.includes(verb)) continue;
      if (rows.get(row)?.[verbs.length] !== verb) return undefined;
      verbs.push(verb);
      next.set(row, verbs);
      added = true;
    }
    return { next, added };
  };
  const search = (
    seen: Map<string, string[]>,
    groups: readonly (readonly BindingBlock[])[],
    order: readonly BindingBlock[],
  ): BindingBlock[] | undefined => {
    const [group, ...later] = groups;
    if (!group) return [...order];
    if (group.length === 0) return search(seen, later, order);
    const rest = (i: number) => [group.filter((_, j) => j !== i), ...later];
    // A block that adds no verb now never will: its place does not matter.
    for (let i = 0; i < group.length; i++) {
      const step = apply(seen, group[i]!);
      if (step && !step.added) return search(seen, rest(i), [...order, group[i]!]);
    }
    const tried = new Set<string>();
    for (let i = 0; i < group.length; i++) {
      const signature = JSON.stringify(group[i]!.cells);
      if (tried.has(signature)) continue;
      tried.add(signature);
      const step = apply(seen, group[i]!);
      const found = step && search(step.next, rest(i), [...order, group[i]!]);
      if (found) return found;
    }
    return undefined;
  };
  return search(new Map(), [blocks.filter((b) => b.cluster), blocks.filter((b) => !b.cluster)], []);
}

describe("can-i --list vs kubectl auth can-i --list", () => {
  const LIST_POLICIES = Number(process.env.KUBEFENCE_LIST_POLICIES ?? 20);

  it(`prints kubectl's table byte for byte for ${LIST_POLICIES} random policies with several bindings per subject`, async () => {
    const policies = fc.sample(severalBindingsPolicyArb, { numRuns: LIST_POLICIES, seed: 42 });
    let mergedAcrossBindings = 0;
    let orderSensitive = 0;
    const render = (order: readonly BindingBlock[]) =>
      renderAccessList(
        accessListRules(
          rulesReviewStatus(
            order.flatMap((b) => b.rules),
            [],
          ),
        ),
      );
    for (const policy of policies) {
      const authorizer = buildAuthorizer(withBuiltinRbac(rbacSnapshot(policyObjects(policy))));
      await install(policy, authorizer);
      try {
        const cases = LIST_IDENTITIES.flatMap((w) => NAMESPACES.map((namespace) => ({ ...w, namespace })));
        await pool(cases, 6, async ({ as, groups, namespace }) => {
          const args = [
            "auth",
            "can-i",
            "--list",
            "-n",
            namespace,
            "--as",
            as,
            ...groups.flatMap((g) => ["--as-group", g]),
          ];
          const kubectl = await cluster.kubectl(args);
          expect(kubectl.code, kubectl.stderr).toBe(0);
          const user = impersonatedUser(as, groups);
          const ours = renderAccessList(accessListRules(subjectRulesReview(authorizer, user, namespace)));
          const blocks = bindingBlocks(authorizer, user, namespace);
          const rowsFrom = new Map<string, Set<BindingBlock>>();
          for (const block of blocks)
            for (const [row] of block.cells) rowsFrom.set(row, (rowsFrom.get(row) ?? new Set()).add(block));
          if ([...rowsFrom.values()].some((from) => from.size > 1)) mergedAcrossBindings++;
          // kubectl's verb order follows the server's binding order, which varies from call to call:
          // kubefence's rendering for the order the server took must be kubectl's, byte for byte.
          const order = serverVisitOrder(blocks, verbsByRow(kubectl.stdout));
          const expected = order ? render(order) : ours;
          const reversed = [
            ...blocks.filter((b) => b.cluster).reverse(),
            ...blocks.filter((b) => !b.cluster).reverse(),
          ];
          if (render(reversed) !== ours) orderSensitive++;
          expect(
            expected,
            `${args.join(" ")}\npolicy: ${JSON.stringify(policy)}\n${order ? "in the server's binding order" : "no binding order gives kubectl's verb order"}`,
          ).toBe(kubectl.stdout);
        });
      } finally {
        await uninstall();
      }
    }
    // The policies exercise what the test is about: rows whose verbs come from several bindings.
    expect(mergedAcrossBindings).toBeGreaterThan(LIST_POLICIES);
    // … and rows whose verb order depends on the binding order (kubectl's output varies between runs).
    expect(orderSensitive).toBeGreaterThan(0);
  }, 300_000);
});

describe("can-i TYPE resolution vs kubectl's RESTMapper", () => {
  it("resolves every standard resource's plural, singular, short names and resource.group as kubectl does on the same server", async () => {
    // One probe user per resource, allowed `get` on exactly that group/resource: kubectl says yes for a form
    // as that user iff kubectl resolved the form to the resource kubefence resolves it to.
    const served = STANDARD_RESOURCES.filter((r) => !r.legacy);
    const probe = (r: { group: string; resource: string }) => `probe.${r.resource}.${r.group || "core"}`;
    const rbac = "rbac.authorization.k8s.io";
    const meta = (name: string) => ({ name, labels: { [LABEL]: "1" } });
    await cluster.apply(
      served.flatMap((r) => [
        {
          apiVersion: `${rbac}/v1`,
          kind: "ClusterRole",
          metadata: meta(probe(r)),
          rules: [{ verbs: ["get"], apiGroups: [r.group], resources: [r.resource] }],
        },
        {
          apiVersion: `${rbac}/v1`,
          kind: "ClusterRoleBinding",
          metadata: meta(probe(r)),
          roleRef: { apiGroup: rbac, kind: "ClusterRole", name: probe(r) },
          subjects: [{ kind: "User", apiGroup: rbac, name: probe(r) }],
        },
      ]),
    );
    try {
      const forms = [
        ...new Set(
          served.flatMap((r) => [
            r.resource,
            r.kind.toLowerCase(),
            ...r.shortNames,
            ...(r.group ? [`${r.resource}.${r.group}`] : []),
          ]),
        ),
      ];
      const last = served[served.length - 1]!;
      await until(
        "the probe bindings to be visible",
        async () =>
          (
            await cluster.kubectl([
              "auth",
              "can-i",
              "get",
              `${last.resource}.${last.group}`,
              "-A",
              "--as",
              probe(last),
            ])
          ).code === 0,
      );
      const mismatches: string[] = [];
      await pool(forms, 8, async (form) => {
        const ours = resolveType(form);
        const run = await cluster.kubectl(["auth", "can-i", "get", form, "-A", "--as", probe(ours)]);
        if (run.stdout.trim() !== "yes")
          mismatches.push(
            `${form}: kubefence resolves it to ${ours.group}/${ours.resource}, kubectl does not (${run.stdout.trim()} ${run.stderr.trim()})`,
          );
      });
      expect(mismatches.sort()).toEqual([]);
    } finally {
      await uninstall();
    }
  }, 180_000);
});
