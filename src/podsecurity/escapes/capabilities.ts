/**
 * Added capabilities that amount to root on the node, or close to it (kubescape C-0046, trivy KSV-0005/0120).
 */
import type { Severity } from "../../model/finding.js";
import type { EscapeEvidence, EscapePath } from "./path.js";
import { normalizeCapability, pathOf } from "./path.js";

/** Capabilities that amount to root on the node, or close to it (kubescape C-0046, trivy KSV-0005/0120). */
export const DANGEROUS_CAPABILITIES: Readonly<
  Record<string, { severity: Severity; takeover: boolean; detail: string }>
> = {
  ALL: {
    severity: "critical",
    takeover: true,
    detail: "every capability: mount, module loading, raw devices",
  },
  SYS_ADMIN: {
    severity: "critical",
    takeover: true,
    detail: "mount, cgroup release_agent and namespace escapes",
  },
  SYS_MODULE: {
    severity: "critical",
    takeover: true,
    detail: "loads kernel modules: code in the host kernel",
  },
  SYS_PTRACE: { severity: "medium", takeover: false, detail: "traces and injects into processes it can see" },
  SYS_RAWIO: { severity: "high", takeover: false, detail: "raw I/O ports and device memory" },
  DAC_READ_SEARCH: {
    severity: "high",
    takeover: false,
    detail: "open_by_handle_at: reads host files (shocker)",
  },
  BPF: {
    severity: "high",
    takeover: false,
    detail: "loads eBPF programs: reads kernel memory, hooks the host",
  },
  PERFMON: { severity: "medium", takeover: false, detail: "perf events: observes host and kernel activity" },
  NET_ADMIN: {
    severity: "medium",
    takeover: false,
    detail: "reconfigures interfaces, routes and firewall rules",
  },
  SYS_BOOT: { severity: "medium", takeover: false, detail: "reboots the node" },
  MAC_ADMIN: { severity: "medium", takeover: false, detail: "changes AppArmor/SELinux policy" },
  MAC_OVERRIDE: { severity: "medium", takeover: false, detail: "overrides mandatory access control" },
};

export const capabilities: EscapePath = {
  kinds: ["capability"],
  find(spec, { specPath, containers }) {
    const evidence: EscapeEvidence[] = [];
    for (const indexed of containers) {
      const { container } = indexed;
      const added = container.securityContext?.capabilities?.add ?? [];
      added.forEach((raw, i) => {
        const capability = normalizeCapability(raw);
        const danger = DANGEROUS_CAPABILITIES[capability];
        if (!danger) return;
        // SYS_PTRACE over the host's PID namespace injects into host processes; NET_ADMIN on the host network
        // rewrites the node's own firewall and routes.
        const escalated =
          (capability === "SYS_PTRACE" && spec.hostPID === true) ||
          (capability === "NET_ADMIN" && spec.hostNetwork === true);
        evidence.push({
          kind: "capability",
          field: `${pathOf(specPath, indexed)}.securityContext.capabilities.add[${i}]=${raw}`,
          summary: capability,
          detail: `container "${container.name}" adds ${capability}: ${danger.detail}${escalated ? (capability === "SYS_PTRACE" ? ", and with hostPID that includes every host process" : ", and with hostNetwork that is the node's own network") : ""}`,
          severity: escalated ? "critical" : danger.severity,
          takeover: danger.takeover || (escalated && capability === "SYS_PTRACE"),
          container: container.name,
        });
      });
    }
    return evidence;
  },
};
