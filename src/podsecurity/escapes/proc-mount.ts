/**
 * An unmasked /proc (procMount other than Default) outside a user namespace.
 */

import type { EscapeEvidence, EscapePath } from "./path.js";
import { pathOf } from "./path.js";

export const procMount: EscapePath = {
  kinds: ["proc-mount"],
  find(spec, { specPath, containers }) {
    const evidence: EscapeEvidence[] = [];
    if (spec.hostUsers !== false) {
      for (const indexed of containers) {
        const { container } = indexed;
        const procMount = container.securityContext?.procMount;
        if (procMount && procMount !== "Default")
          evidence.push({
            kind: "proc-mount",
            field: `${pathOf(specPath, indexed)}.securityContext.procMount=${procMount}`,
            summary: `procMount ${procMount}`,
            detail: `container "${container.name}" sees /proc unmasked outside a user namespace`,
            severity: "medium",
            takeover: false,
            container: container.name,
          });
      }
    }
    return evidence;
  },
};
