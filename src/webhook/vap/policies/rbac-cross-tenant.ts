/**
 * rbac-cross-tenant in CEL: partial. Bindings to system:authenticated, system:unauthenticated or
 * system:serviceaccounts are decided by the binding alone and denied as the webhook denies them. Whether any
 * other binding or role change gives an identity of one tenant access into another depends on the roles it
 * references and the bindings already there — the RBAC state the webhook evaluates with the authorizer —
 * which a policy, seeing one object, cannot read. So the policy is stricter where it can be and says so: a
 * RoleBinding in a tenant's namespace may not bind identities of other tenants at all (the webhook denies it
 * only when the role grants them something new there); and it cannot see Role and ClusterRole changes that
 * widen what existing bindings give.
 */
import { ALL_AUTHENTICATED, ALL_SERVICE_ACCOUNTS, ALL_UNAUTHENTICATED } from "../../../rbac/attributes.js";
import { PLATFORM } from "../../../tenancy/tenants.js";
import { rbacCrossTenant } from "../../guardrails/rbac-cross-tenant.js";
import type { WebhookSettings } from "../../settings.js";
import { ownerCel, strList, tenantOfNameCel, tenantsByName } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

const EVERYONE = strList([ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS]);

export const rbacCrossTenantPolicy: PolicyGuardrail = {
  guardrail: rbacCrossTenant,
  kinds: ["RoleBinding", "ClusterRoleBinding"],
  fidelity: () => "partial",
  limits: (settings) => [
    "stricter: a RoleBinding in a tenant's namespace may not bind an identity of another tenant (an owner, a service account, a service-account group) whatever its role grants, with a message of its own; the webhook denies it only when the role gives that identity something new there",
    "not checked: Role and ClusterRole changes that widen what existing bindings give another tenant's identities, and ClusterRoleBindings (rbac-cluster-bindings refuses tenants those): the webhook evaluates the RBAC state after the change, a policy sees only the changed object",
    ...(tenantsByName(settings)
      ? []
      : [
          "not checked: a service account (or service-account group) of a namespace no tenant names, while some tenant is declared by namespaceSelector, counts for no tenant: CEL cannot read that namespace's labels",
        ]),
  ],
  variables: (settings) => [
    {
      name: "broad",
      expression: `object.?subjects.orValue([]).filter(s, s.kind == "Group" && s.name in ${EVERYONE})`,
    },
    { name: "subjectHomes", expression: `object.?subjects.orValue([]).map(s, ${homesCel(settings)})` },
    {
      name: "foreign",
      expression: `object.kind != "RoleBinding" ? [] : object.?subjects.orValue([]).transformList(i, s, size(variables.subjectHomes[i]) > 0 && !(variables.tenant in variables.subjectHomes[i]), (s.kind == "ServiceAccount" ? "ServiceAccount:" + ${SA_NAMESPACE} + "/" + s.name : s.kind + ":" + s.name) + " of " + variables.subjectHomes[i].map(t, ${ownerCel("t")}).join(", "))`,
    },
  ],
  validations: () => [
    {
      expression: "size(variables.broad) == 0",
      messageExpression: messageCel(
        rbacCrossTenant.id,
        `object.kind + " \\"" + object.metadata.name + "\\" binds " + variables.broad.map(s, "Group \\"" + s.name + "\\"").join(", ") + ", which includes the identities of every tenant"`,
        JSON.stringify("bind specific users, groups or service accounts of your own tenant"),
      ),
    },
    {
      expression: "size(variables.foreign) == 0",
      messageExpression: messageCel(
        rbacCrossTenant.id,
        `"RoleBinding \\"" + object.metadata.name + "\\" in namespace \\"" + variables.requestNamespace + "\\" (" + ${ownerCel("variables.tenant")} + ") binds identities of other tenants, whatever its role grants: " + variables.foreign.join("; ")`,
        JSON.stringify(
          "grant roles only to identities of the tenant that owns the namespace, with RoleBindings in that tenant's namespaces",
        ),
      ),
    },
  ],
};

const SA_NAMESPACE = '(s.?namespace.orValue("") != "" ? s.namespace : variables.requestNamespace)';

/** subjectTenants (rbac-cross-tenant.ts): the tenants whose identity a subject is, without the platform. */
function homesCel(settings: WebhookSettings): string {
  const owners = new Map<string, string[]>();
  for (const t of settings.config.tenants)
    for (const o of t.owners)
      if (o.kind !== "ServiceAccount") {
        const key = `${o.kind}:${o.name}`;
        owners.set(key, [...(owners.get(key) ?? []), t.name]);
      }
  const map = `{${[...owners].map(([k, v]) => `${JSON.stringify(k)}: ${strList(v)}`).join(", ")}}`;
  const owned =
    owners.size === 0 ? "[]" : `(s.kind + ":" + s.name in ${map} ? ${map}[s.kind + ":" + s.name] : [])`;
  const tenantOf = (ns: string) =>
    `(${ns} == variables.requestNamespace ? variables.tenant : ${tenantOfNameCel(settings, ns)})`;
  return `(s.kind == "ServiceAccount" ? [${tenantOf(SA_NAMESPACE)}] : s.kind == "Group" ? (s.name.matches("^system:serviceaccounts:.+$") ? [${tenantOf("s.name.substring(23)")}] : []) + ${owned} : s.kind == "User" ? (s.name.matches("^system:serviceaccount:[^:]+:[^:]+$") ? [${tenantOf('s.name.split(":")[2]')}] : []) + ${owned} : []).filter(t, t != ${JSON.stringify(PLATFORM)} && t != "").distinct()`;
}
