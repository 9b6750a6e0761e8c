/**
 * A pod's labels are its creator's: a tenant's pod that carries none of the labels cluster-scoped policies
 * select pods by leaves a `pods` subject or peer built on them. Pod creation is the tenant's right, so the
 * server accepts it (Pod Security and quota permitting: the pod complies with restricted and sets its
 * resources); kubefence's network engine judges the pod the server answered with.
 */
import { type Attempt, CONTAINER_RESOURCES, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";
import { answered, judgedByEngine } from "./cluster-judged.js";

export const clusterPolicyPodRelabel: Attempt = {
  id: "cluster-policy-pod-relabel",
  summary:
    "create a pod without the labels cluster-scoped policies select pods by, to fall outside the policy that isolates it",
  plan(target) {
    const view = target.clusterPolicies;
    if (!view?.isolation) return { skip: "no cluster-scoped policy isolates the tenant" };
    const name = `${VERIFY_PREFIX}-unlabelled`;
    const podLabels = labels(target);
    const done = `pod/${name} created (server dry run)`;
    return {
      request: {
        method: "POST",
        path: dryRun(`/api/v1/namespaces/${target.namespace}/pods`),
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name, namespace: target.namespace, labels: podLabels },
          spec: {
            restartPolicy: "Never",
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65534,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "probe",
                image: "busybox:1.36",
                command: ["sleep", "3600"],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                resources: CONTAINER_RESOURCES,
              },
            ],
          },
        },
        acceptedAs: done,
        judge: (body) => {
          const labels = answered<{ metadata?: { labels?: Record<string, string> } }>(body)?.metadata?.labels;
          return judgedByEngine(target, view, { podLabels: labels ?? podLabels }, done);
        },
      },
    };
  },
};
