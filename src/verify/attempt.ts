/**
 * One thing a tenant might try that would break isolation, as a request the API server can judge: always
 * with server-side dry run (`dryRun=All`: admission runs in full, nothing is stored — for DELETE too).
 * Attempts are data plus a pure `plan`; the registry (attempts/index.ts) alone decides which run, in order.
 */
import { VERIFY_LABEL } from "./names.js";
import type { VerifyTarget } from "./target.js";

export { VERIFY_LABEL, VERIFY_PREFIX } from "./names.js";

export const DRY_RUN = "dryRun=All";

/** What blocked an attempt (./classify.ts tells them apart). */
export type Mechanism =
  | "rbac"
  | "pod-security"
  | "pod-security-policy"
  | "quota"
  | "webhook"
  | "webhook-failure"
  | "admission-policy"
  | "api-server"
  | "cluster-network-policy"
  | "other";

export interface AttemptRequest {
  method: "POST" | "PATCH" | "DELETE";
  /** API path including `?dryRun=All`. */
  path: string;
  body?: Record<string, unknown>;
  /** Content-Type of a PATCH body (merge or strategic merge patch). */
  contentType?: string;
  /** What kubectl prints when the server accepts it, e.g. `pod/x created (server dry run)`. */
  acceptedAs: string;
  /**
   * For a request the server may accept while undoing its effect (a label it owns and resets): given the
   * accepted answer's body, why the change did not take, or undefined when it did (a breach).
   */
  undoneBy?: (body: unknown) => string | undefined;
  /**
   * For a change the server accepts whose effect on the network only the engine can tell (a NetworkPolicy
   * below an Admin-tier policy, a relabelled namespace): given the accepted answer's body, whether isolation
   * still holds and by what (verify/network.ts judges it), or what the change opens.
   */
  judge?: (body: unknown) => Judged;
}

export type Judged =
  | { held: true; blockedBy: Mechanism; name?: string; message: string }
  | { held: false; message: string };

/** The request to send, or why the attempt does not apply to this tenant (itself a weakness). */
export type Planned = { request: AttemptRequest } | { notApplicable: string };

/** The attempt is not about how this tenant is isolated (a cluster-scoped one where none isolates it): not reported. */
export type Skipped = { skip: string };

export interface Attempt {
  /** Stable id, e.g. `privileged-host-pod`. */
  id: string;
  /** What the tenant tries and why it would break isolation, in a sentence. */
  summary: string;
  /**
   * Which kubefence enforcement the audit credits with refusing this attempt (src/tenancy/enforcement.ts), so
   * the report can hold the credit against the server's answer. Absent: the audit credits nothing for it.
   */
  creditedAs?: "escapesRefusedBy" | "relabelRefusedBy";
  plan(target: VerifyTarget): Planned | Skipped;
}

export function dryRun(path: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${DRY_RUN}`;
}

/**
 * Requests and limits on every container an attempt submits, so a ResourceQuota that demands them
 * (`failed quota: … must specify …`) cannot block the attempt for a reason a real tenant would simply comply
 * with: only the controls that keep tenants apart should stop it.
 */
export const CONTAINER_RESOURCES = {
  requests: { cpu: "100m", memory: "64Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
};

export function labels(target: VerifyTarget): Record<string, string> {
  return { [VERIFY_LABEL]: target.tenant };
}

/** A dry-run pod creation in the target's namespace: one busybox container (with `container` merged in). */
export function podRequest(
  target: VerifyTarget,
  name: string,
  spec: Record<string, unknown>,
  container: Record<string, unknown>,
): Planned {
  return {
    request: {
      method: "POST",
      path: dryRun(`/api/v1/namespaces/${target.namespace}/pods`),
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: target.namespace, labels: labels(target) },
        spec: {
          ...spec,
          restartPolicy: "Never",
          containers: [
            {
              image: "busybox:1.36",
              command: ["sleep", "3600"],
              ...container,
              resources: CONTAINER_RESOURCES,
            },
          ],
        },
      },
      acceptedAs: `pod/${name} created (server dry run)`,
    },
  };
}
