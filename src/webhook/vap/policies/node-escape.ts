/**
 * node-escape in CEL: exact. The same evidence as the Pod Security engine's canEscapeToNode
 * (src/podsecurity/escape.ts), restricted to what the guardrail forbids (isForbiddenEscape): runtime sockets,
 * sensitive host paths that a container mounts, and root-equivalent capabilities — for pods and pod templates
 * held to Pod Security `privileged` by both their tenant and their namespace's enforce label. The socket,
 * path and capability tables are the engine's own, baked in.
 */
import { RUNTIME_SOCKETS, SENSITIVE_HOST_PATHS } from "../../../podsecurity/escape.js";
import { DANGEROUS_CAPABILITIES } from "../../../podsecurity/escapes/capabilities.js";
import { nodeEscape } from "../../guardrails/node-escape.js";
import type { WebhookSettings } from "../../settings.js";
import { NAMESPACE_LABELS, strList, strMap } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";
import { levelCel } from "./namespace-pod-security.js";

/** Capabilities the guardrail forbids outright (critical or high on their own). */
const FORBIDDEN_CAPABILITIES = Object.entries(DANGEROUS_CAPABILITIES)
  .filter(([, d]) => d.severity === "critical" || d.severity === "high")
  .map(([c]) => c);
const CAPABILITY_DETAILS = strMap(Object.entries(DANGEROUS_CAPABILITIES).map(([c, d]) => [c, d.detail]));
const PATHS = Object.keys(SENSITIVE_HOST_PATHS);
const PATH_DETAILS = strMap(Object.entries(SENSITIVE_HOST_PATHS));

const HOST_PID = "variables.spec.?hostPID.orValue(false) == true";
const HOST_NETWORK = "variables.spec.?hostNetwork.orValue(false) == true";
const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

function capabilityEvidence(list: string): string {
  const cap = '(raw.upperAscii().startsWith("CAP_") ? raw.upperAscii().substring(4) : raw.upperAscii())';
  const ptrace = `(${cap} == "SYS_PTRACE" && ${HOST_PID})`;
  const netAdmin = `(${cap} == "NET_ADMIN" && ${HOST_NETWORK})`;
  const forbidden = `(${cap} in ${strList(FORBIDDEN_CAPABILITIES)} || ${ptrace} || ${netAdmin})`;
  const text = `variables.specPath + ".${list}[" + string(i) + "].securityContext.capabilities.add[" + string(j) + "]=" + raw + " (container \\"" + c.name + "\\" adds " + ${cap} + ": " + ${CAPABILITY_DETAILS}[${cap}] + (${ptrace} ? ", and with hostPID that includes every host process" : ${netAdmin} ? ", and with hostNetwork that is the node's own network" : "") + ")"`;
  return `variables.spec.?${list}.orValue([]).transformList(i, c, c.?securityContext.?capabilities.?add.orValue([]).transformList(j, raw, ${forbidden}, ${text})).flatten()`;
}

/** within(path, base) of escape.ts. */
function within(path: string, base: string): string {
  return `(${base} == "/" || ${path} == ${base} || ${path}.startsWith(${base} + "/"))`;
}

function tenantLevelCel(settings: WebhookSettings): string {
  const levels = strMap(settings.config.tenants.map((t) => [t.name, t.podSecurity]));
  return settings.config.tenants.length === 0
    ? JSON.stringify(settings.defaultPodSecurity)
    : `variables.tenant in ${levels} ? ${levels}[variables.tenant] : ${JSON.stringify(settings.defaultPodSecurity)}`;
}

export const nodeEscapePolicy: PolicyGuardrail = {
  guardrail: nodeEscape,
  fidelity: () => "exact",
  limits: () => [],
  variables: (settings) => [
    {
      name: "privileged",
      expression: `(${tenantLevelCel(settings)}) == "privileged" && ${levelCel(NAMESPACE_LABELS, "enforce", "restricted")} == "privileged"`,
    },
    {
      name: "specPath",
      expression:
        'object.kind == "Pod" ? "spec" : object.kind == "CronJob" ? "spec.jobTemplate.spec.template.spec" : object.kind == "PodTemplate" ? "template.spec" : "spec.template.spec"',
    },
    {
      name: "spec",
      expression:
        'object.kind == "Pod" ? object.?spec.orValue(null) : object.kind == "CronJob" ? object.?spec.?jobTemplate.?spec.?template.?spec.orValue(null) : object.kind == "PodTemplate" ? object.?template.?spec.orValue(null) : object.?spec.?template.?spec.orValue(null)',
    },
    {
      name: "containers",
      expression: CONTAINER_LISTS.map((l) => `variables.spec.?${l}.orValue([])`).join(" + "),
    },
    {
      // Names of the host path volumes, as a map for cheap lookups (volume names are unique in a pod).
      name: "hostPathNames",
      expression:
        "variables.spec.?volumes.orValue([]).filter(v, has(v.hostPath)).transformMapEntry(i, v, {string(v.name): true})",
    },
    {
      // [volume, container, "ro"|"rw"] for every mount of a host path volume, in container order.
      name: "hostMounts",
      expression:
        'variables.containers.map(c, c.?volumeMounts.orValue([]).filter(m, string(m.name) in variables.hostPathNames).map(m, [string(m.name), string(c.name), m.?readOnly.orValue(false) == true ? "ro" : "rw"])).flatten()',
    },
    {
      name: "hostVolumes",
      expression: `variables.spec.?volumes.orValue([]).filter(v, has(v.hostPath)).map(v, {"name": string(v.name), "path": string(v.hostPath.path), "hp": "/" + string(v.hostPath.path).split("/").filter(p, p != "" && p != ".").join("/")})`,
    },
    {
      // Index in spec.volumes of each host path volume.
      name: "hostVolumeIndexes",
      expression: "variables.spec.?volumes.orValue([]).transformList(i, v, has(v.hostPath), string(i))",
    },
    {
      name: "hostVolumeMounts",
      expression: "variables.hostVolumes.map(h, variables.hostMounts.filter(m, m[0] == h.name))",
    },
    {
      name: "hostPaths",
      // Per host path volume: the runtime socket it exposes, else the sensitive path it is in or contains.
      expression: `variables.hostVolumes.transformList(k, h, {"index": variables.hostVolumeIndexes[k], "name": string(h.name), "path": string(h.path), "hp": string(h.hp), "mounts": string(size(variables.hostVolumeMounts[k])), "writable": variables.hostVolumeMounts[k].exists(m, m[2] == "rw") ? "true" : "false", "by": variables.hostVolumeMounts[k].map(m, m[1]).distinct().map(n, "\\"" + n + "\\"").join(", "), "socket": ${strList(RUNTIME_SOCKETS)}.filter(s, h.hp != "/" && ${within("s", "h.hp")}).first().orValue(""), "what": ${strList(PATHS)}.filter(b, ${within("h.hp", "b")} && (b != "/" || h.hp == "/")).sortBy(b, -size(b)).first().orValue(${strList(PATHS)}.filter(b, b != "/" && ${within("b", "h.hp")}).first().orValue(""))})`,
    },
    {
      name: "evidence",
      expression: `${CONTAINER_LISTS.map(capabilityEvidence).join(" + ")} + variables.hostPaths.filter(h, h.socket != "" || (h.what != "" && h.mounts != "0")).map(h, variables.specPath + ".volumes[" + h.index + "].hostPath.path=" + h.path + " (volume \\"" + h.name + "\\" " + (h.mounts == "0" ? "declared but mounted by no container" : h.writable == "true" ? "mounted read-write" : "mounted read-only") + (h.by == "" ? "" : " by " + h.by) + (h.socket != "" ? " exposes the container runtime socket " + h.socket + ": start a privileged container on the node" : ": " + (h.hp == h.what ? "" : "includes " + h.what + ", ") + ${PATH_DETAILS}[h.what]) + ")")`,
    },
  ],
  validations: () => [
    {
      expression: "!variables.privileged || variables.spec == null || size(variables.evidence) == 0",
      messageExpression: messageCel(
        nodeEscape.id,
        `object.kind + " \\"" + object.metadata.name + "\\" could escape to the node, which every tenant shares: " + variables.evidence.join("; ")`,
        JSON.stringify(
          "remove these volumes and capabilities (use a CSI driver or an emptyDir instead of host paths), or ask a platform administrator to run the workload in a platform namespace",
        ),
      ),
    },
  ],
};
