import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kindInfo } from "../../src/model/kinds.js";
import type { KubeObject } from "../../src/model/objects.js";
import { objectKey, type Snapshot } from "../../src/model/snapshot.js";
import { buildAuthorizer } from "../../src/rbac/authorizer.js";
import { afterStateAuthorizer } from "../../src/webhook/after-state.js";
import { fixture, snapshotOf } from "./helpers.js";

/** The plain way: the whole snapshot with the object replaced, authorized from scratch. */
function fullAfter(snapshot: Snapshot, change: KubeObject): Snapshot {
  const field = kindInfo(change.kind)!.field;
  const list = (snapshot[field] as KubeObject[]).filter((o) => objectKey(o) !== objectKey(change));
  return { ...snapshot, [field]: [...list, change] };
}

const users = [
  { name: "alice", groups: ["system:authenticated"] },
  {
    name: "system:serviceaccount:team-a:ci",
    groups: ["system:serviceaccounts", "system:serviceaccounts:team-a"],
  },
  { name: "system:serviceaccount:team-b:builder", groups: ["system:serviceaccounts:team-b"] },
  { name: "x", groups: ["ops"] },
];

const changes: [string, KubeObject, string[]][] = [
  [
    "a new RoleBinding",
    snapshotOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: new, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects: [{kind: ServiceAccount, name: builder, namespace: team-b}]`).roleBindings[0]!,
    ["", "team-a"],
  ],
  [
    "a widened Role",
    snapshotOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: team-a}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`).roles[0]!,
    ["", "team-a"],
  ],
  [
    "a new ClusterRoleBinding",
    snapshotOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-reads}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects: [{kind: User, name: alice}]`).clusterRoleBindings[0]!,
    [""],
  ],
  [
    "a changed ClusterRole",
    snapshotOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules: [{apiGroups: [""], resources: [pods, secrets], verbs: ["*"]}]`).clusterRoles[0]!,
    ["", "team-a"],
  ],
];

describe("after-state authorizer", () => {
  const snapshot = snapshotOf(readFileSync(fixture("cluster.yaml"), "utf8"));
  const before = buildAuthorizer(snapshot);

  it.each(changes)(
    "answers rulesFor in the touched scopes exactly as a full rebuild does: %s",
    (_, change, scopes) => {
      const fast = afterStateAuthorizer(before, snapshot, change, scopes);
      const full = buildAuthorizer(fullAfter(snapshot, change));
      for (const user of users)
        for (const scope of scopes) {
          const describe = (a: typeof fast) =>
            a
              .rulesFor(user, scope)
              .rules.map((g) => `${g.description} ${JSON.stringify(g.rule)}`)
              .sort();
          expect(describe(fast), `${user.name} in "${scope}"`).toEqual(describe(full));
        }
      // And the change is visible: someone's rules differ from before in some scope.
      const differs = users.some((u) =>
        scopes.some(
          (s) =>
            fast.rulesFor(u, s).rules.length !== before.rulesFor(u, s).rules.length ||
            JSON.stringify(fast.rulesFor(u, s).rules.map((g) => g.rule)) !==
              JSON.stringify(before.rulesFor(u, s).rules.map((g) => g.rule)),
        ),
      );
      expect(differs).toBe(true);
    },
  );
});
