/**
 * Windows HostProcess pods and containers: they run as processes on the node, outside any container.
 */

import type { EscapeEvidence, EscapePath } from "./path.js";
import { pathOf } from "./path.js";

export const hostProcess: EscapePath = {
  kinds: ["host-process"],
  find(spec, { specPath, containers }) {
    const evidence: EscapeEvidence[] = [];
    if (spec.securityContext?.windowsOptions?.hostProcess === true)
      evidence.push({
        kind: "host-process",
        field: `${specPath}.securityContext.windowsOptions.hostProcess=true`,
        summary: "hostProcess",
        detail: "Windows HostProcess pod: runs as a process on the node, outside any container",
        severity: "critical",
        takeover: true,
      });
    for (const indexed of containers) {
      const { container } = indexed;
      if (container.securityContext?.windowsOptions?.hostProcess === true)
        evidence.push({
          kind: "host-process",
          field: `${pathOf(specPath, indexed)}.securityContext.windowsOptions.hostProcess=true`,
          summary: "hostProcess",
          detail: `container "${container.name}" is a Windows HostProcess container: runs on the node, outside any container`,
          severity: "critical",
          takeover: true,
          container: container.name,
        });
    }
    return evidence;
  },
};
