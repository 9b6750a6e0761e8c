/**
 * The API server's defaulting, applied where analysis depends on it and nowhere else: namespace name
 * label, container and Service port protocols, Service targetPort, host ports of host-network Pods,
 * emptyDir for source-less volumes, NetworkPolicy policyTypes and port protocols. Also every field written
 * `""` that the server defaults when empty (imagePullPolicy, restartPolicy, dnsPolicy, Service type,
 * Deployment strategy type, CronJob concurrencyPolicy, …): the server takes it, the OpenAPI schema
 * kubefence validates with does not. Each function mutates an object just admitted by a source (never one
 * an engine holds). Upstream: pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
 * pkg/apis/batch/v1/defaults.go, pkg/apis/networking/v1/defaults.go.
 */
import { goTrimSpace } from "./go-format.js";
import { atLeast, DEFAULT_KUBE_VERSION, type KubeVersion } from "./kube-version.js";
import type { KubeObject, NetworkPolicy, PodSpec, ReplicationController, Service } from "./objects.js";
import { podTemplateOf } from "./workloads.js";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function applyDefaults(object: KubeObject, version: KubeVersion = DEFAULT_KUBE_VERSION): void {
  switch (object.kind) {
    case "Namespace":
      // Set by the API server on every namespace since v1.21 (NamespaceDefaultLabelName).
      if (atLeast(version, 21))
        object.metadata.labels = { ...object.metadata.labels, [NAMESPACE_NAME_LABEL]: object.metadata.name };
      return;
    case "Pod":
      if (object.spec) {
        defaultPodSpec(object.spec);
        if (object.spec.hostNetwork) defaultHostNetworkPorts(object.spec);
        if (atLeast(version, 30)) syncAppArmorAnnotations(object.metadata.annotations, object.spec);
      }
      return;
    case "Service":
      defaultService(object);
      return;
    case "NetworkPolicy":
      defaultNetworkPolicy(object);
      return;
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
    case "CronJob":
    case "ReplicationController":
    case "PodTemplate": {
      const template = podTemplateOf(object);
      if (template) defaultPodSpec(template.spec);
      defaultEmptyWorkloadFields(object);
      if (object.kind === "ReplicationController") defaultReplicationController(object);
      return;
    }
    default:
      return;
  }
}

/** Container ports default to TCP; a volume with no source is an emptyDir (SetDefaults_Volume). */
export function defaultPodSpec(spec: PodSpec): void {
  const containers = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const container of containers) {
    for (const port of container.ports ?? []) if (!port.protocol) port.protocol = "TCP";
    defaultEmptyContainerFields(container);
  }
  // A plain string field written `""` is the field left out (Go keeps no difference); where the API server
  // defaults an empty value, the value it stores (SetDefaults_PodSpec).
  const empties = spec as unknown as Record<string, unknown>;
  if (empties.dnsPolicy === "") spec.dnsPolicy = "ClusterFirst";
  if (empties.restartPolicy === "") spec.restartPolicy = "Always";
  if (empties.schedulerName === "") spec.schedulerName = "default-scheduler";
  // Not defaulted, stored as left out: an empty operator is Equal, an empty effect matches every effect.
  for (const toleration of spec.tolerations ?? []) {
    const t = toleration as Record<string, unknown>;
    if (t.operator === "") delete t.operator;
    if (t.effect === "") delete t.effect;
  }
  for (const volume of spec.volumes ?? []) {
    // SetDefaults_Volume (ImageVolume, on by default): an image volume's empty pullPolicy as a container's.
    const image = (volume as { image?: { reference?: string; pullPolicy?: string } }).image;
    if (image?.pullPolicy === "") image.pullPolicy = pullPolicyFor(image.reference ?? "");
    // ptr.AllPtrFieldsNil: a source written as `hostPath: null` is no source either.
    const record = volume as unknown as Record<string, unknown>;
    const sources = Object.keys(volume).filter((key) => key !== "name" && record[key] != null);
    if (sources.length > 0) continue;
    for (const key of Object.keys(volume)) if (key !== "name") delete record[key];
    volume.emptyDir = {};
  }
}

type Container = NonNullable<PodSpec["containers"]>[number];

/** SetDefaults_Container and SetDefaults_HTTPGetAction, for the values written `""`. */
function defaultEmptyContainerFields(container: Container): void {
  const c = container as unknown as Record<string, unknown>;
  if (c.imagePullPolicy === "") container.imagePullPolicy = pullPolicyFor(container.image ?? "");
  if (c.terminationMessagePolicy === "") container.terminationMessagePolicy = "File";
  if (c.terminationMessagePath === "") container.terminationMessagePath = "/dev/termination-log";
  const handlers = [
    container.livenessProbe,
    container.readinessProbe,
    container.startupProbe,
    container.lifecycle?.postStart,
    container.lifecycle?.preStop,
  ];
  for (const handler of handlers) {
    const httpGet = handler?.httpGet as Record<string, unknown> | undefined;
    if (httpGet?.scheme === "") httpGet.scheme = "HTTP";
    if (httpGet?.path === "") httpGet.path = "/";
  }
}

/** Always for a `:latest` (or untagged) image, IfNotPresent otherwise. */
function pullPolicyFor(image: string): "Always" | "IfNotPresent" {
  return imageTag(image) === "latest" ? "Always" : "IfNotPresent";
}

/**
 * The tag parsers.ParseImageName finds: the one written, else "latest" when there is no digest either;
 * "" for an empty reference (which it cannot parse).
 */
function imageTag(image: string): string {
  if (image === "") return "";
  const at = image.indexOf("@");
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) return name.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

/**
 * With host networking every container port is also a host port (defaultHostNetworkPorts, applied by
 * SetDefaults_Pod to Pods only, not to pod templates): Pod Security's hostPorts check sees them.
 */
export function defaultHostNetworkPorts(spec: PodSpec): void {
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const port of container.ports ?? []) if (!port.hostPort) port.hostPort = port.containerPort;
  }
}

/** Service ports: protocol TCP, and a missing targetPort is the port itself (SetDefaults_Service). */
export function defaultService(service: Service): void {
  const spec = service.spec as Record<string, unknown> | undefined;
  if (spec?.type === "") spec.type = "ClusterIP";
  if (spec?.sessionAffinity === "") spec.sessionAffinity = "None";
  if (spec?.externalTrafficPolicy === "") {
    // service.ExternallyAccessible: only those get Cluster; on the others the empty value is left out.
    const external =
      spec.type === "LoadBalancer" ||
      spec.type === "NodePort" ||
      ((spec.type ?? "ClusterIP") === "ClusterIP" && ((spec.externalIPs as unknown[]) ?? []).length > 0);
    if (external) spec.externalTrafficPolicy = "Cluster";
    else delete spec.externalTrafficPolicy;
  }
  for (const port of service.spec?.ports ?? []) {
    if (!port.protocol) port.protocol = "TCP";
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === "")
      port.targetPort = port.port;
  }
}

/**
 * policyTypes: [Ingress], plus Egress when egress has at least one rule; every port's protocol: TCP.
 * (SetDefaults_NetworkPolicy, SetDefaults_NetworkPolicyPort.)
 */
export function defaultNetworkPolicy(policy: NetworkPolicy): void {
  policy.spec ??= { podSelector: {} };
  const spec = policy.spec;
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= "TCP";
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = (spec.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

/**
 * Workload fields the API server defaults when empty (apps/v1 SetDefaults_Deployment, _DaemonSet,
 * _StatefulSet; batch/v1 SetDefaults_CronJob), for the values written `""`.
 */
function defaultEmptyWorkloadFields(object: KubeObject): void {
  const spec = (object as { spec?: Record<string, unknown> }).spec;
  if (!spec) return;
  // prototype-safe: field is one of the literal field names below
  const typeOf = (field: string) => spec[field] as Record<string, unknown> | undefined;
  switch (object.kind) {
    case "Deployment":
      if (typeOf("strategy")?.type === "") typeOf("strategy")!.type = "RollingUpdate";
      return;
    case "DaemonSet":
      if (typeOf("updateStrategy")?.type === "") typeOf("updateStrategy")!.type = "RollingUpdate";
      return;
    case "StatefulSet":
      if (spec.podManagementPolicy === "") spec.podManagementPolicy = "OrderedReady";
      if (typeOf("updateStrategy")?.type === "") typeOf("updateStrategy")!.type = "RollingUpdate";
      return;
    case "CronJob":
      if (spec.concurrencyPolicy === "") spec.concurrencyPolicy = "Allow";
      return;
    default:
      return;
  }
}

/** An empty selector and empty labels come from the template's labels (SetDefaults_ReplicationController). */
export function defaultReplicationController(controller: ReplicationController): void {
  const labels = controller.spec?.template?.metadata?.labels;
  if (!labels || !controller.spec) return;
  if (Object.keys(controller.spec.selector ?? {}).length === 0) controller.spec.selector = { ...labels };
  if (Object.keys(controller.metadata.labels ?? {}).length === 0) controller.metadata.labels = { ...labels };
}

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
type AppArmorProfile = NonNullable<NonNullable<PodSpec["securityContext"]>["appArmorProfile"]>;

/**
 * A Pod created with the deprecated per-container AppArmor annotation gets the matching appArmorProfile
 * field too (pkg/registry/core/pod/strategy.go applyAppArmorVersionSkew, since v1.30): when the container
 * has no profile of its own, the annotation's value maps to a valid profile, and that profile differs from
 * the pod's. Windows pods are left alone. Only Pods: a workload's template is stored as written, and its pods
 * get the copy when they are created.
 */
function syncAppArmorAnnotations(annotations: Record<string, string> | undefined, spec: PodSpec): void {
  if (!annotations || spec.os?.name === "windows") return;
  const podProfile = spec.securityContext?.appArmorProfile;
  for (const container of [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ]) {
    const key = APPARMOR_ANNOTATION_PREFIX + container.name;
    if (!Object.hasOwn(annotations, key) || container.securityContext?.appArmorProfile) continue;
    // prototype-safe: Object.hasOwn is checked just above
    const profile = appArmorFieldForAnnotation(annotations[key]!);
    if (!profile || sameProfile(profile, podProfile)) continue;
    container.securityContext = { ...container.securityContext, appArmorProfile: profile };
  }
}

/** ApparmorFieldForAnnotation, keeping only what ValidateAppArmorProfileField accepts. */
function appArmorFieldForAnnotation(annotation: string): AppArmorProfile | undefined {
  if (annotation === "unconfined") return { type: "Unconfined" };
  if (annotation === "runtime/default") return { type: "RuntimeDefault" };
  if (!annotation.startsWith("localhost/")) return undefined;
  const localhostProfile = annotation.slice("localhost/".length);
  const valid =
    localhostProfile !== "" &&
    goTrimSpace(localhostProfile) === localhostProfile &&
    Buffer.byteLength(localhostProfile) <= 4095;
  return valid ? { type: "Localhost", localhostProfile } : undefined;
}

function sameProfile(a: AppArmorProfile, b: AppArmorProfile | undefined): boolean {
  return (
    b !== undefined &&
    a.type === b.type &&
    (a.localhostProfile ?? undefined) === (b.localhostProfile ?? undefined)
  );
}
