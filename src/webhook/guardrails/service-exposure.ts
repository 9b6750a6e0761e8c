/**
 * Services that open a port on every node (NodePort, and LoadBalancer, which allocates node ports) or claim
 * external IPs (CVE-2020-8554: any tenant can intercept traffic to an IP it lists) reach beyond the tenant;
 * each is allowed only where the tenant's `services:` setting says so (all off by default).
 */
import type { Service } from "../../model/objects.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

export const serviceExposure: Guardrail = {
  id: "service-exposure",
  summary: "NodePort, LoadBalancer and externalIPs only where the tenant's services setting allows them",
  kinds: ["Service"],
  operations: ["CREATE", "UPDATE"],
  check(request, context) {
    const service = request.object as Service | undefined;
    if (!service || !request.tenant) return ALLOW;
    const allowed = context.tenantSpec(request.tenant).services;
    const problems: string[] = [];
    const setting: string[] = [];
    const type = service.spec?.type ?? "ClusterIP";
    if (type === "NodePort" && !allowed.nodePort) {
      problems.push("type NodePort opens a port on every node");
      setting.push("nodePort");
    }
    if (type === "LoadBalancer" && !allowed.loadBalancer) {
      problems.push("type LoadBalancer exposes it outside the cluster and opens a port on every node");
      setting.push("loadBalancer");
    }
    const externalIPs = service.spec?.externalIPs ?? [];
    if (externalIPs.length > 0 && !allowed.externalIPs) {
      problems.push(
        `externalIPs ${externalIPs.join(", ")} would capture traffic to those addresses cluster-wide`,
      );
      setting.push("externalIPs");
    }
    if (problems.length === 0) return ALLOW;
    return deny(
      `Service "${service.metadata.name}": ${problems.join("; ")}, which tenant "${request.tenant}" may not do`,
      `use type ClusterIP without externalIPs (expose it through the platform's ingress), or ask a platform administrator to set services.${setting.join("/services.")}: true for tenant "${request.tenant}" in the tenants file`,
    );
  },
};
