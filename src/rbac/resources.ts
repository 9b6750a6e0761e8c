/**
 * The standard resources as kubectl's RESTMapper knows them from discovery, so `can-i` and `who-can` accept
 * what `kubectl auth can-i` accepts: plural, singular (the lower-case kind), short names and `resource.group`
 * / `resource.version.group`. Generated from the discovery documents of kube-apiserver v1.20.2 (the test
 * control plane), in discovery order — which is also the RESTMapper's priority when a name exists in two
 * groups (`events` → core, `ingresses` → networking.k8s.io) — plus the few standard resources newer servers
 * add (marked `modern`).
 */

export interface StandardResource {
  resource: string;
  group: string;
  kind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  subresources: readonly string[];
  /** Served by Kubernetes releases after v1.20. */
  modern?: boolean;
}

const r = (
  resource: string,
  group: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[],
  subresources: string[],
  modern?: boolean,
): StandardResource => ({
  resource,
  group,
  kind,
  namespaced,
  shortNames,
  subresources,
  ...(modern ? { modern } : {}),
});

export const STANDARD_RESOURCES: readonly StandardResource[] = [
  r("bindings", "", "Binding", true, [], []),
  r("componentstatuses", "", "ComponentStatus", false, ["cs"], []),
  r("configmaps", "", "ConfigMap", true, ["cm"], []),
  r("endpoints", "", "Endpoints", true, ["ep"], []),
  r("events", "", "Event", true, ["ev"], []),
  r("limitranges", "", "LimitRange", true, ["limits"], []),
  r("namespaces", "", "Namespace", false, ["ns"], ["finalize", "status"]),
  r("nodes", "", "Node", false, ["no"], ["proxy", "status"]),
  r("persistentvolumeclaims", "", "PersistentVolumeClaim", true, ["pvc"], ["status"]),
  r("persistentvolumes", "", "PersistentVolume", false, ["pv"], ["status"]),
  r(
    "pods",
    "",
    "Pod",
    true,
    ["po"],
    ["attach", "binding", "eviction", "exec", "log", "portforward", "proxy", "status"],
  ),
  r("podtemplates", "", "PodTemplate", true, [], []),
  r("replicationcontrollers", "", "ReplicationController", true, ["rc"], ["scale", "status"]),
  r("resourcequotas", "", "ResourceQuota", true, ["quota"], ["status"]),
  r("secrets", "", "Secret", true, [], []),
  r("serviceaccounts", "", "ServiceAccount", true, ["sa"], ["token"]),
  r("services", "", "Service", true, ["svc"], ["proxy", "status"]),
  r("apiservices", "apiregistration.k8s.io", "APIService", false, [], ["status"]),
  r("controllerrevisions", "apps", "ControllerRevision", true, [], []),
  r("daemonsets", "apps", "DaemonSet", true, ["ds"], ["status"]),
  r("deployments", "apps", "Deployment", true, ["deploy"], ["scale", "status"]),
  r("replicasets", "apps", "ReplicaSet", true, ["rs"], ["scale", "status"]),
  r("statefulsets", "apps", "StatefulSet", true, ["sts"], ["scale", "status"]),
  r("events", "events.k8s.io", "Event", true, ["ev"], []),
  r("tokenreviews", "authentication.k8s.io", "TokenReview", false, [], []),
  r("selfsubjectreviews", "authentication.k8s.io", "SelfSubjectReview", false, [], [], true),
  r("localsubjectaccessreviews", "authorization.k8s.io", "LocalSubjectAccessReview", true, [], []),
  r("selfsubjectaccessreviews", "authorization.k8s.io", "SelfSubjectAccessReview", false, [], []),
  r("selfsubjectrulesreviews", "authorization.k8s.io", "SelfSubjectRulesReview", false, [], []),
  r("subjectaccessreviews", "authorization.k8s.io", "SubjectAccessReview", false, [], []),
  r("horizontalpodautoscalers", "autoscaling", "HorizontalPodAutoscaler", true, ["hpa"], ["status"]),
  r("jobs", "batch", "Job", true, [], ["status"]),
  r("cronjobs", "batch", "CronJob", true, ["cj"], ["status"]),
  r(
    "certificatesigningrequests",
    "certificates.k8s.io",
    "CertificateSigningRequest",
    false,
    ["csr"],
    ["approval", "status"],
  ),
  r("ingressclasses", "networking.k8s.io", "IngressClass", false, [], []),
  r("ingresses", "networking.k8s.io", "Ingress", true, ["ing"], ["status"]),
  r("networkpolicies", "networking.k8s.io", "NetworkPolicy", true, ["netpol"], []),
  r("ipaddresses", "networking.k8s.io", "IPAddress", false, ["ip"], [], true),
  r("servicecidrs", "networking.k8s.io", "ServiceCIDR", false, [], ["status"], true),
  r("ingresses", "extensions", "Ingress", true, ["ing"], ["status"]),
  r("poddisruptionbudgets", "policy", "PodDisruptionBudget", true, ["pdb"], ["status"]),
  r("podsecuritypolicies", "policy", "PodSecurityPolicy", false, ["psp"], []),
  r("clusterrolebindings", "rbac.authorization.k8s.io", "ClusterRoleBinding", false, [], []),
  r("clusterroles", "rbac.authorization.k8s.io", "ClusterRole", false, [], []),
  r("rolebindings", "rbac.authorization.k8s.io", "RoleBinding", true, [], []),
  r("roles", "rbac.authorization.k8s.io", "Role", true, [], []),
  r("csidrivers", "storage.k8s.io", "CSIDriver", false, [], []),
  r("csinodes", "storage.k8s.io", "CSINode", false, [], []),
  r("storageclasses", "storage.k8s.io", "StorageClass", false, ["sc"], []),
  r("volumeattachments", "storage.k8s.io", "VolumeAttachment", false, [], ["status"]),
  r("csistoragecapacities", "storage.k8s.io", "CSIStorageCapacity", true, [], [], true),
  r(
    "mutatingwebhookconfigurations",
    "admissionregistration.k8s.io",
    "MutatingWebhookConfiguration",
    false,
    [],
    [],
  ),
  r(
    "validatingwebhookconfigurations",
    "admissionregistration.k8s.io",
    "ValidatingWebhookConfiguration",
    false,
    [],
    [],
  ),
  r(
    "validatingadmissionpolicies",
    "admissionregistration.k8s.io",
    "ValidatingAdmissionPolicy",
    false,
    [],
    ["status"],
    true,
  ),
  r(
    "validatingadmissionpolicybindings",
    "admissionregistration.k8s.io",
    "ValidatingAdmissionPolicyBinding",
    false,
    [],
    [],
    true,
  ),
  r(
    "customresourcedefinitions",
    "apiextensions.k8s.io",
    "CustomResourceDefinition",
    false,
    ["crd", "crds"],
    ["status"],
  ),
  r("priorityclasses", "scheduling.k8s.io", "PriorityClass", false, ["pc"], []),
  r("leases", "coordination.k8s.io", "Lease", true, [], []),
  r("runtimeclasses", "node.k8s.io", "RuntimeClass", false, [], []),
  r("endpointslices", "discovery.k8s.io", "EndpointSlice", true, [], []),
  r("flowschemas", "flowcontrol.apiserver.k8s.io", "FlowSchema", false, [], ["status"]),
  r(
    "prioritylevelconfigurations",
    "flowcontrol.apiserver.k8s.io",
    "PriorityLevelConfiguration",
    false,
    [],
    ["status"],
  ),
];

/** The versions each group serves (for `resource.version.group` arguments). */
const GROUP_VERSIONS: Record<string, readonly string[]> = {
  "": ["v1"],
  "apiregistration.k8s.io": ["v1", "v1beta1"],
  apps: ["v1"],
  "events.k8s.io": ["v1", "v1beta1"],
  "authentication.k8s.io": ["v1", "v1beta1"],
  "authorization.k8s.io": ["v1", "v1beta1"],
  autoscaling: ["v1", "v2", "v2beta1", "v2beta2"],
  batch: ["v1", "v1beta1"],
  "certificates.k8s.io": ["v1", "v1beta1"],
  "networking.k8s.io": ["v1", "v1beta1"],
  extensions: ["v1beta1"],
  policy: ["v1", "v1beta1"],
  "rbac.authorization.k8s.io": ["v1", "v1beta1"],
  "storage.k8s.io": ["v1", "v1beta1"],
  "admissionregistration.k8s.io": ["v1", "v1beta1"],
  "apiextensions.k8s.io": ["v1", "v1beta1"],
  "scheduling.k8s.io": ["v1", "v1beta1"],
  "coordination.k8s.io": ["v1", "v1beta1"],
  "node.k8s.io": ["v1", "v1beta1"],
  "discovery.k8s.io": ["v1", "v1beta1"],
  "flowcontrol.apiserver.k8s.io": ["v1", "v1beta1", "v1beta2", "v1beta3"],
};

export interface ResolvedType {
  resource: string;
  group: string;
  /** The table entry, when the type is a standard resource. */
  known?: StandardResource;
  /** kubectl's warnings, e.g. `the server doesn't have a resource type 'x'`. */
  warnings: string[];
}

/** Resources the server serves but does not list in discovery: kubectl does not warn about them. */
const NON_STANDARD_NAMES = new Set(["users", "groups"]);

const singular = (entry: StandardResource) => entry.kind.toLowerCase();

function findByName(resource: string, group: string | undefined): StandardResource | undefined {
  return STANDARD_RESOURCES.find(
    (e) =>
      (group === undefined || e.group === group) && (e.resource === resource || singular(e) === resource),
  );
}

/**
 * kubectl `auth can-i`'s `resourceFor`: lower-case, `schema.ParseResourceArg`, shortcut expansion
 * (restmapper `shortcutExpander`, incl. group-prefix matching), then plural/singular lookup with
 * discovery-order priority. `*` passes through; an unknown type is used verbatim in group "" with a warning.
 */
export function resolveType(argument: string): ResolvedType {
  if (argument === "*") return { resource: "*", group: "", warnings: [] };
  const lower = argument.toLowerCase();
  const firstDot = lower.indexOf(".");
  const resource = firstDot < 0 ? lower : lower.slice(0, firstDot);
  const group = firstDot < 0 ? "" : lower.slice(firstDot + 1);

  // resource.version.group, e.g. deployments.v1.apps
  const parts = lower.split(".");
  if (parts.length >= 3) {
    const [res, version] = parts as [string, string];
    const fullGroup = parts.slice(2).join(".");
    if (GROUP_VERSIONS[fullGroup]?.includes(version)) {
      const entry = findByName(expandShortcut(res, fullGroup).resource, fullGroup);
      if (entry) return { resource: entry.resource, group: entry.group, known: entry, warnings: [] };
    }
  }

  const expanded = expandShortcut(resource, group);
  const entry = findByName(expanded.resource, expanded.group === "" ? undefined : expanded.group);
  if (entry) return { resource: entry.resource, group: entry.group, known: entry, warnings: [] };

  const groupResource = group === "" ? resource : `${resource}.${group}`;
  const warnings = NON_STANDARD_NAMES.has(groupResource)
    ? []
    : [
        group === ""
          ? `the server doesn't have a resource type '${resource}'`
          : `the server doesn't have a resource type '${resource}' in group '${group}'`,
      ];
  return { resource: argument, group: "", warnings };
}

/** restmapper `shortcutExpander.expandResourceShortcut`. */
function expandShortcut(resource: string, group: string): { resource: string; group: string } {
  const inGroup = (e: StandardResource) => group === "" || e.group === group;
  if (STANDARD_RESOURCES.some((e) => inGroup(e) && (e.resource === resource || singular(e) === resource)))
    return { resource, group };
  const short = STANDARD_RESOURCES.find((e) => inGroup(e) && e.shortNames.includes(resource));
  if (short) return { resource: short.resource, group: short.group };
  if (group === "") return { resource, group };
  const prefixed = STANDARD_RESOURCES.find(
    (e) => e.group.startsWith(group) && e.shortNames.includes(resource),
  );
  return prefixed ? { resource: prefixed.resource, group: prefixed.group } : { resource, group };
}

/** The table entry for an exact resource and group. */
export function standardResource(resource: string, group: string): StandardResource | undefined {
  return STANDARD_RESOURCES.find((e) => e.resource === resource && e.group === group);
}
