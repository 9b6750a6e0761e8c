/**
 * Pod Security Admission reads a namespace's level from its labels, so a tenant that may relabel its own
 * namespace to `privileged` switches its node-plane protection off. Patched as kubectl label would
 * (a merge patch of metadata.labels).
 */
import { type Attempt, dryRun } from "../attempt.js";
import { ENFORCE_LABEL } from "../target.js";

export const podSecurityRelabel: Attempt = {
  id: "pod-security-relabel",
  summary: `relabel its own namespace ${ENFORCE_LABEL}=privileged, which turns Pod Security enforcement off`,
  creditedAs: "relabelRefusedBy",
  plan(target) {
    if (target.enforceLevel === "privileged")
      return {
        notApplicable: `n/a: namespace "${target.namespace}" already enforces Pod Security "privileged"; there is no protection to remove`,
      };
    return {
      request: {
        method: "PATCH",
        path: dryRun(`/api/v1/namespaces/${target.namespace}`),
        body: { metadata: { labels: { [ENFORCE_LABEL]: "privileged" } } },
        contentType: "application/merge-patch+json",
        acceptedAs: `namespace/${target.namespace} labeled (server dry run)`,
      },
    };
  },
};
