/**
 * A privileged container: every host device and capability, no seccomp or AppArmor confinement.
 */

import type { EscapeEvidence, EscapePath } from "./path.js";
import { pathOf } from "./path.js";

export const privileged: EscapePath = {
  kinds: ["privileged"],
  find(_spec, { specPath, containers }) {
    const evidence: EscapeEvidence[] = [];
    for (const indexed of containers) {
      const { container } = indexed;
      const sc = container.securityContext;
      if (sc?.privileged === true)
        evidence.push({
          kind: "privileged",
          field: `${pathOf(specPath, indexed)}.securityContext.privileged=true`,
          summary: "privileged",
          detail: `container "${container.name}" is privileged: every host device and capability, no seccomp or AppArmor confinement`,
          severity: "critical",
          takeover: true,
          container: container.name,
        });
    }
    return evidence;
  },
};
