/**
 * fast-check generators of random, API-valid RBAC policies and authorization requests, drawn from small
 * pools so that names, groups, verbs and resources collide often. Shared by the index-equivalence property
 * test and the differential test against the real API server. Aggregation is generated acyclic (base roles
 * → "mid" aggregators → "top" aggregators, some feeding the built-in view/edit/admin chain) because the
 * controller's steady state of a cycle depends on timing.
 */
import fc from "fast-check";
import type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from "../../src/model/objects.js";
import type { RequestAttributes } from "../../src/rbac/attributes.js";
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from "./fixtures.js";

export const NAMESPACES = ["ns-a", "ns-b"] as const;
const USERS = ["alice", "bob", "carol"];
const GROUPS = ["g1", "g2", "system:authenticated", "system:serviceaccounts", "system:serviceaccounts:ns-a"];
const SA_NAMES = ["sa1", "sa2"];
const VERBS = ["get", "list", "create", "delete", "escalate", "*"];
const API_GROUPS = ["", "apps", "*"];
const RESOURCES = [
  "pods",
  "pods/log",
  "pods/*",
  "*/scale",
  "*",
  "deployments",
  "deployments/scale",
  "secrets",
  "nodes",
  "namespaces",
];
const RESOURCE_NAMES = ["web", "db", "ns-a"];
const URLS = ["/healthz", "/apis/*", "/api*", "*", "/metrics"];

const subset = <T>(values: readonly T[], min = 1) =>
  fc.subarray([...values], { minLength: min, maxLength: Math.min(values.length, 3) });

const resourceRule: fc.Arbitrary<PolicyRule> = fc
  .record({
    // in any order: the order kubectl's --list merges verbs in follows the rules'
    verbs: fc.shuffledSubarray([...VERBS], { minLength: 1, maxLength: 3 }),
    apiGroups: subset(API_GROUPS),
    resources: subset(RESOURCES),
    resourceNames: fc.option(subset(RESOURCE_NAMES), { nil: undefined, freq: 4 }),
  })
  .map(({ resourceNames, ...rule }) => (resourceNames ? { ...rule, resourceNames } : rule));

const urlRule: fc.Arbitrary<PolicyRule> = fc.record({
  verbs: subset(["get", "post", "*"]),
  nonResourceURLs: subset(URLS),
});

const roleRules = fc.array(resourceRule, { minLength: 0, maxLength: 3 });
const clusterRoleRules = fc.array(
  fc.oneof({ arbitrary: resourceRule, weight: 3 }, { arbitrary: urlRule, weight: 1 }),
  {
    minLength: 0,
    maxLength: 3,
  },
);

const subjectArb = (namespaced: boolean): fc.Arbitrary<Subject> =>
  fc.oneof(
    fc.constantFrom(...USERS).map(user),
    fc.constantFrom(...GROUPS).map(group),
    fc
      .record({
        name: fc.constantFrom(...SA_NAMES),
        namespace: namespaced
          ? fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined })
          : fc.constantFrom(...NAMESPACES),
      })
      .map(({ name, namespace }) => sa(name, namespace)),
    // a User subject spelled as a service account username
    fc.constantFrom(...SA_NAMES).map((name) => user(`system:serviceaccount:ns-a:${name}`)),
  );

const subjects = (namespaced: boolean) => fc.array(subjectArb(namespaced), { minLength: 1, maxLength: 3 });

const CLUSTER_ROLE_NAMES = ["c0", "c1", "c2", "c3"];
const ROLE_NAMES = ["r0", "r1"];
/** Names bindings may reference: generated ones, built-in ones, and ones that never exist. */
const REFERENCED_CLUSTER_ROLES = [...CLUSTER_ROLE_NAMES, "m0", "m1", "t0", "view", "edit", "missing"];

const baseLabels = fc.constantFrom<Record<string, string> | undefined>(
  undefined,
  { agg: "a" },
  { agg: "b" },
  { agg: "a", x: "1" },
);
const baseSelector = fc.constantFrom<LabelSelector>(
  { matchLabels: { agg: "a" } },
  { matchLabels: { agg: "b" } },
  { matchExpressions: [{ key: "agg", operator: "In", values: ["a", "b"] }] },
  { matchExpressions: [{ key: "x", operator: "Exists" }] },
);

export interface RbacPolicy {
  clusterRoles: ClusterRole[];
  roles: Role[];
  clusterRoleBindings: ClusterRoleBinding[];
  roleBindings: RoleBinding[];
}

export const policyArb: fc.Arbitrary<RbacPolicy> = fc
  .record({
    base: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom(...CLUSTER_ROLE_NAMES),
        rules: clusterRoleRules,
        labels: baseLabels,
      }),
      {
        selector: (r) => r.name,
        maxLength: 4,
      },
    ),
    mids: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom("m0", "m1"),
        selectors: fc.array(baseSelector, { minLength: 1, maxLength: 2 }),
        rules: roleRules,
        toView: fc.boolean(),
      }),
      { selector: (r) => r.name, maxLength: 2 },
    ),
    top: fc.option(
      fc.array(
        fc.constantFrom<LabelSelector>({ matchLabels: { lvl: "mid" } }, { matchLabels: { agg: "a" } }),
        { minLength: 1, maxLength: 2 },
      ),
      {
        nil: undefined,
      },
    ),
    roles: fc.uniqueArray(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        name: fc.constantFrom(...ROLE_NAMES),
        rules: roleRules,
      }),
      {
        selector: (r) => `${r.namespace}/${r.name}`,
        maxLength: 3,
      },
    ),
    crbs: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom("crb0", "crb1", "crb2"),
        role: fc.constantFrom(...REFERENCED_CLUSTER_ROLES),
        subjects: subjects(false),
      }),
      {
        selector: (b) => b.name,
        maxLength: 3,
      },
    ),
    rbs: fc.uniqueArray(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        name: fc.constantFrom("rb0", "rb1", "rb2"),
        ref: fc.oneof(
          fc.constantFrom(...ROLE_NAMES, "missing").map((name) => ({ kind: "Role", name })),
          fc.constantFrom(...REFERENCED_CLUSTER_ROLES).map((name) => ({ kind: "ClusterRole", name })),
        ),
        subjects: subjects(true),
      }),
      { selector: (b) => `${b.namespace}/${b.name}`, maxLength: 4 },
    ),
  })
  .map(({ base, mids, top, roles, crbs, rbs }) => ({
    clusterRoles: [
      ...base.map((r) => clusterRole(r.name, r.rules, r.labels ? { labels: r.labels } : {})),
      ...mids.map((m) =>
        clusterRole(m.name, m.rules, {
          labels: {
            lvl: "mid",
            ...(m.toView ? { "rbac.authorization.k8s.io/aggregate-to-view": "true" } : {}),
          },
          selectors: m.selectors,
        }),
      ),
      ...(top ? [clusterRole("t0", [], { selectors: top })] : []),
    ],
    roles: roles.map((r) => role(r.namespace, r.name, r.rules)),
    clusterRoleBindings: crbs.map((b) => clusterRoleBinding(b.name, b.role, b.subjects)),
    roleBindings: rbs.map((b) => roleBinding(b.namespace, b.name, b.ref, b.subjects)),
  }));

const userInfoArb = fc.oneof(
  fc.record({ name: fc.constantFrom(...USERS), groups: fc.subarray(GROUPS) }),
  fc.constantFrom(...NAMESPACES).chain((ns) =>
    fc.record({
      name: fc.constantFrom(...SA_NAMES).map((n) => `system:serviceaccount:${ns}:${n}`),
      groups: fc.subarray(["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"]),
    }),
  ),
  fc.record({ name: fc.constant(""), groups: fc.subarray(GROUPS, { minLength: 1 }) }),
  fc.record({ name: fc.constantFrom(...USERS), groups: fc.constant(["system:masters"]) }),
);

export const requestArb: fc.Arbitrary<RequestAttributes> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      user: userInfoArb,
      verb: fc.constantFrom(...VERBS, "update"),
      resourceRequest: fc.constant(true),
      namespace: fc.constantFrom("", ...NAMESPACES, "ns-c"),
      apiGroup: fc.constantFrom("", "apps", "batch"),
      resource: fc.constantFrom("pods", "deployments", "secrets", "nodes", "namespaces", "widgets"),
      subresource: fc.constantFrom("", "", "log", "scale", "status", "*"),
      name: fc.constantFrom("", "", "web", "db", "ns-a"),
      path: fc.constant(""),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      user: userInfoArb,
      verb: fc.constantFrom("get", "post", "put"),
      resourceRequest: fc.constant(false),
      namespace: fc.constant(""),
      apiGroup: fc.constant(""),
      resource: fc.constant(""),
      subresource: fc.constant(""),
      name: fc.constant(""),
      path: fc.constantFrom(
        "/healthz",
        "/healthz/x",
        "/apis",
        "/apis/v1",
        "/api",
        "/metrics",
        "/version",
        "/x",
      ),
    }),
  },
);

/** The identities the `can-i --list` differential asks for (kubectl --as/--as-group). */
export const LIST_IDENTITIES: readonly { as: string; groups: string[] }[] = [
  { as: "alice", groups: ["g1"] },
  { as: "bob", groups: [] },
  { as: "system:serviceaccount:ns-a:sa1", groups: [] },
];

/**
 * A policy plus 3–6 more bindings, each naming one of LIST_IDENTITIES (or alice's group g1) and a role the
 * policy has (or view/edit): several bindings per subject, with the same or overlapping rules, so
 * `--list` rows merge verbs from several bindings.
 */
export const severalBindingsPolicyArb: fc.Arbitrary<RbacPolicy> = policyArb.chain((policy) => {
  const clusterRoles = ["view", "edit", ...policy.clusterRoles.map((r) => r.metadata.name)];
  const ref = fc.oneof(
    fc.record({
      cluster: fc.boolean(),
      namespace: fc.constantFrom(...NAMESPACES),
      ref: fc.constantFrom(...clusterRoles).map((name) => ({ kind: "ClusterRole", name })),
    }),
    ...(policy.roles.length > 0
      ? [
          fc.constantFrom(...policy.roles).map((r) => ({
            cluster: false,
            namespace: r.metadata.namespace!,
            ref: { kind: "Role", name: r.metadata.name },
          })),
        ]
      : []),
  );
  const extra = fc.array(
    fc.record({
      target: ref,
      subject: fc.constantFrom(user("alice"), group("g1"), user("bob"), sa("sa1", "ns-a")),
    }),
    { minLength: 3, maxLength: 6 },
  );
  return extra.map((bindings) => ({
    ...policy,
    clusterRoleBindings: [
      ...policy.clusterRoleBindings,
      ...bindings.flatMap(({ target, subject }, i) =>
        target.cluster ? [clusterRoleBinding(`crb-x${i}`, target.ref.name, [subject])] : [],
      ),
    ],
    roleBindings: [
      ...policy.roleBindings,
      ...bindings.flatMap(({ target, subject }, i) =>
        target.cluster ? [] : [roleBinding(target.namespace, `rb-x${i}`, target.ref, [subject])],
      ),
    ],
  }));
});
