/**
 * What the API server's answer to an attempt means: accepted (a breach), or blocked and by what. The
 * mechanisms are told apart by the messages upstream writes:
 * - RBAC: authorization (`responsewriters.forbiddenMessage` in k8s.io/apiserver/pkg/endpoints/handlers/
 *   responsewriters/errors.go): `<resource> "<name>" is forbidden: User "<user>" cannot <verb> resource …`;
 *   and escalation prevention (pkg/registry/rbac/validation/rule.go `ConfirmNoEscalation`):
 *   `… is attempting to grant RBAC permissions not currently held`.
 * - Pod Security Admission (k8s.io/pod-security-admission/admission): `violates PodSecurity "<level>:<version>"`.
 * - PodSecurityPolicy (plugin/pkg/admission/security/podsecuritypolicy, ≤ v1.24):
 *   `PodSecurityPolicy: unable to admit pod` / `unable to validate against any pod security policy`.
 * - ResourceQuota (k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go):
 *   `exceeded quota: <name>, requested: …` and `failed quota: <name>: must specify …`.
 * - Admission webhooks (k8s.io/apiserver/pkg/admission/plugin/webhook/errors/statuserror.go):
 *   `admission webhook "<name>" denied the request…`. A webhook that could not be called under
 *   failurePolicy Fail (`failed calling webhook "<name>": …`, dispatcher.go) also blocks, but by failing
 *   closed, not by deciding: "webhook-failure", so a report never passes a webhook that is down as one
 *   that enforces.
 * - ValidatingAdmissionPolicy (k8s.io/apiserver/pkg/admission/plugin/policy/validating/dispatcher.go):
 *   `ValidatingAdmissionPolicy '<policy>' [with binding '<binding>'] denied request: …`.
 * - The API server itself: an accepted request whose answer shows the server undid the change (it owns
 *   the `kubernetes.io/metadata.name` label and resets it): "api-server".
 * - A cluster-scoped network policy: an accepted change that kubefence's network engine, judging the
 *   answer, finds still denied by an AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy
 *   rule (the admin tier is final: no NetworkPolicy overrides it): "cluster-network-policy", with the policy.
 * Everything else that is not a success is "other", with the server's message.
 */
import type { AttemptRequest, Mechanism } from "./attempt.js";

export type { Mechanism } from "./attempt.js";

export type Classification =
  | { verdict: "accepted"; status: number; message: string }
  | {
      verdict: "blocked";
      status: number;
      blockedBy: Mechanism;
      /** The webhook's, ValidatingAdmissionPolicy's or cluster-scoped policy's name, when one blocked it. */
      name?: string;
      message: string;
    };

/** The attempt's answer: any 2xx is acceptance; otherwise the mechanism that refused it. */
export function classifyAnswer(
  request: AttemptRequest,
  answer: { status: number; body: unknown },
): Classification {
  if (answer.status >= 200 && answer.status < 300) {
    const undone = request.undoneBy?.(answer.body);
    if (undone !== undefined)
      return { verdict: "blocked", status: answer.status, blockedBy: "api-server", message: undone };
    const judged = request.judge?.(answer.body);
    if (judged?.held) {
      const { blockedBy, name, message } = judged;
      return { verdict: "blocked", status: answer.status, blockedBy, ...(name ? { name } : {}), message };
    }
    return { verdict: "accepted", status: answer.status, message: judged?.message ?? request.acceptedAs };
  }
  const message = messageOf(answer.body, answer.status);
  return { verdict: "blocked", status: answer.status, message, ...mechanismOf(answer.status, message) };
}

function mechanismOf(status: number, message: string): { blockedBy: Mechanism; name?: string } {
  const webhook = /admission webhook "([^"]+)" denied the request/.exec(message);
  if (webhook) return { blockedBy: "webhook", name: webhook[1] };
  const unreachableWebhook = /failed calling webhook "([^"]+)"/.exec(message);
  if (unreachableWebhook) return { blockedBy: "webhook-failure", name: unreachableWebhook[1] };
  const policy = /ValidatingAdmissionPolicy '([^']+)'(?: with binding '[^']+')? denied request/.exec(message);
  if (policy) return { blockedBy: "admission-policy", name: policy[1] };
  if (/\bviolates PodSecurity "/.test(message)) return { blockedBy: "pod-security" };
  if (
    /PodSecurityPolicy: unable to admit pod|unable to validate against any pod security policy/.test(message)
  )
    return { blockedBy: "pod-security-policy" };
  if (/\b(exceeded quota|failed quota): /.test(message)) return { blockedBy: "quota" };
  if (
    status === 403 &&
    (/ is forbidden: User "[^"]*" cannot /.test(message) ||
      /is attempting to grant RBAC permissions not currently held/.test(message))
  )
    return { blockedBy: "rbac" };
  return { blockedBy: "other" };
}

/**
 * The server's refusal to let the caller impersonate (the impersonation filter answers 403 before the
 * request is even authorized). Legacy impersonation (every version) checks the `impersonate` verb:
 * `users "alice" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the
 * cluster scope`. From v1.36 (ConstrainedImpersonation, beta; staging/src/k8s.io/apiserver/pkg/endpoints/
 * filters/impersonation/mode.go) the constrained modes are tried first and the first mode's refusal is the
 * answer: `pods is forbidden: User "carol" cannot impersonate-on:user-info:create resource "pods" …`, or
 * `users.authentication.k8s.io "alice" is forbidden: User "carol" cannot impersonate:user-info resource
 * "users" …`. Undefined for any other answer: no attempt's own verb is an impersonation verb.
 */
export function impersonationRefusal(answer: { status: number; body: unknown }): string | undefined {
  if (answer.status !== 403) return undefined;
  const message = messageOf(answer.body, answer.status);
  return / cannot impersonate(?::[a-z-]+|-on:[a-z-]+:[a-z]+)? resource "/.test(message) ? message : undefined;
}

/** A Status body's message; else the body's text, shortened; else the HTTP status. */
function messageOf(body: unknown, status: number): string {
  if (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { message?: unknown }).message === "string"
  )
    return (body as { message: string }).message;
  const text = typeof body === "string" ? body.trim() : body === undefined ? "" : JSON.stringify(body);
  if (!text) return `HTTP ${status} with no message`;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
