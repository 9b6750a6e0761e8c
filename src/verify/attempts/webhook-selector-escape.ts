/**
 * The kubefence webhook leaves out kube-system and its own namespace by the `kubernetes.io/metadata.name`
 * label (its objectSelector selects every object, so object labels cannot steer it). A tenant that could
 * set that label on its own namespace to `kube-system` would fall outside the selector, and from then on
 * no pod there is reviewed: a privileged pod would follow. Since v1.21 the API server owns the label (Namespace
 * defaulting sets it to the name on every write) and resets it, so an accepted patch whose answer still
 * carries the namespace's own name is held; one whose answer carries `kube-system` is the breach.
 */
import { NAMESPACE_NAME_LABEL as NAME_LABEL } from "../../model/defaults.js";
import { type Attempt, dryRun } from "../attempt.js";

const EXCLUDED = "kube-system";

export const webhookSelectorEscape: Attempt = {
  id: "webhook-selector-escape",
  summary: `relabel its own namespace ${NAME_LABEL}=${EXCLUDED}, which the webhook's namespaceSelector leaves out, so its pods would no longer be reviewed`,
  plan(target) {
    const ns = target.namespace;
    return {
      request: {
        method: "PATCH",
        path: dryRun(`/api/v1/namespaces/${ns}`),
        body: { metadata: { labels: { [NAME_LABEL]: EXCLUDED } } },
        contentType: "application/merge-patch+json",
        acceptedAs: `namespace/${ns} labeled (server dry run): ${NAME_LABEL}=${EXCLUDED}, outside the webhook's namespaceSelector; a privileged pod there would not be reviewed`,
        undoneBy(body) {
          const labels = (body as { metadata?: { labels?: Record<string, unknown> } } | null)?.metadata
            ?.labels;
          const value = labels && Object.hasOwn(labels, NAME_LABEL) ? labels[NAME_LABEL] : undefined;
          if (value !== ns) return undefined;
          return `namespace/${ns} labeled (server dry run), but the API server kept ${NAME_LABEL}=${ns} (it sets that label to the namespace's name): the webhook's namespaceSelector still selects it`;
        },
      },
    };
  },
};
