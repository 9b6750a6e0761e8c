/** rbac.create-workloads: Create pods or pod controllers */
import { POD_CONTROLLER_RESOURCES } from "../../model/workloads.js";
import { core, riskRule } from "./risk.js";

export const createWorkloads = riskRule({
  id: "rbac.create-workloads",
  namespaced: true,
  anyOf: [
    core("create", "pods", undefined, ""),
    ...POD_CONTROLLER_RESOURCES.flatMap(([group, resource]) => [
      { verb: "create", group, resource, name: "" as const },
      { verb: "update", group, resource, name: "some" as const },
      { verb: "patch", group, resource, name: "some" as const },
    ]),
  ],
  severity: { cluster: "high", namespace: "low" },
  what: "create pods or pod controllers: run as any service account of the namespace and mount its secrets",
  remediation:
    "Pair workload creation with Pod Security 'restricted' and dedicated namespaces; do not grant it cluster-wide.",
  title: "Create pods or pod controllers",
  description:
    "Creating pods (directly or through a controller) runs as any service account of the namespace and mounts any of its secrets; without Pod Security it also reaches the node.",
  references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation"],
});
