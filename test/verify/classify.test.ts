import { describe, expect, it } from "vitest";
import type { AttemptRequest } from "../../src/verify/attempt.js";
import { classifyAnswer, impersonationRefusal } from "../../src/verify/classify.js";

const request: AttemptRequest = {
  method: "POST",
  path: "/api/v1/namespaces/team-a/pods?dryRun=All",
  body: {},
  acceptedAs: "pod/kubefence-verify-host-escape created (server dry run)",
};
const status = (code: number, message: string) => ({
  status: code,
  body: { kind: "Status", apiVersion: "v1", status: "Failure", message, code },
});

describe("classifyAnswer", () => {
  it.each([
    ["201 Created", 201],
    ["200 OK (a dry-run DELETE or PATCH)", 200],
  ])("%s is an accepted attempt, worded as kubectl's dry run", (_reason, code) => {
    expect(classifyAnswer(request, { status: code, body: { kind: "Pod" } })).toEqual({
      verdict: "accepted",
      status: code,
      message: "pod/kubefence-verify-host-escape created (server dry run)",
    });
  });

  it.each([
    [
      "authorization denied (responsewriters.forbiddenMessage), namespaced",
      403,
      'rolebindings.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "team-b"',
      { blockedBy: "rbac" },
    ],
    [
      "authorization denied at the cluster scope",
      403,
      'clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope',
      { blockedBy: "rbac" },
    ],
    [
      "RBAC escalation prevention (ConfirmNoEscalation)",
      403,
      'clusterrolebindings.rbac.authorization.k8s.io "x" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
      { blockedBy: "rbac" },
    ],
    [
      "Pod Security Admission",
      403,
      'pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true), hostPath volumes (volume "host"), privileged (container "escape" must not set securityContext.privileged=true)',
      { blockedBy: "pod-security" },
    ],
    [
      "PodSecurityPolicy (before v1.25)",
      403,
      'pods "x" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used]',
      { blockedBy: "pod-security-policy" },
    ],
    [
      "ResourceQuota exceeded",
      403,
      'services "x" is forbidden: exceeded quota: team-a-quota, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0',
      { blockedBy: "quota" },
    ],
    [
      "ResourceQuota demanding requests",
      403,
      'pods "x" is forbidden: failed quota: team-a-quota: must specify limits.cpu,limits.memory',
      { blockedBy: "quota" },
    ],
    [
      "a webhook's denial, whatever code it chose",
      400,
      'admission webhook "validate.kubefence.io" denied the request: [kubefence:pod-security] pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
      { blockedBy: "webhook", name: "validate.kubefence.io" },
    ],
    [
      "a webhook's denial without explanation",
      403,
      'admission webhook "policy.example.com" denied the request without explanation',
      { blockedBy: "webhook", name: "policy.example.com" },
    ],
    [
      "a webhook that cannot be called, failing closed (failurePolicy Fail): blocked, but not by a decision",
      500,
      'Internal error occurred: failed calling webhook "validate.kubefence.io": Post "https://127.0.0.1:1/validate?timeout=5s": dial tcp 127.0.0.1:1: connect: connection refused',
      { blockedBy: "webhook-failure", name: "validate.kubefence.io" },
    ],
    [
      "a ValidatingAdmissionPolicy",
      422,
      "pods \"x\" is forbidden: ValidatingAdmissionPolicy 'no-host' with binding 'no-host-binding' denied request: hostPID is not allowed",
      { blockedBy: "admission-policy", name: "no-host" },
    ],
    [
      "a 403 that is none of the above",
      403,
      'pods "x" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n" can only create mirror pods',
      { blockedBy: "other" },
    ],
    ["a namespace that is not there", 404, 'namespaces "team-x" not found', { blockedBy: "other" }],
    [
      "a name already taken",
      409,
      'pods "kubefence-verify-host-escape" already exists',
      { blockedBy: "other" },
    ],
  ])("%s is blocked, and says by what", (_reason, code, message, expected) => {
    expect(classifyAnswer(request, status(code, message))).toEqual({
      verdict: "blocked",
      status: code,
      message,
      ...expected,
    });
  });

  it("a forbidden-looking message on a non-403 answer is not RBAC's", () => {
    const answer = status(500, 'pods is forbidden: User "alice" cannot create resource "pods"');
    expect(classifyAnswer(request, answer)).toMatchObject({ verdict: "blocked", blockedBy: "other" });
  });

  it("keeps a body that is not a Status, shortened, or says there was none", () => {
    expect(classifyAnswer(request, { status: 502, body: "Bad Gateway\n" })).toMatchObject({
      blockedBy: "other",
      message: "Bad Gateway",
    });
    expect(classifyAnswer(request, { status: 503, body: "" }).message).toBe("HTTP 503 with no message");
    expect(classifyAnswer(request, { status: 500, body: "x".repeat(500) }).message).toHaveLength(301);
  });
});

describe("impersonationRefusal", () => {
  it.each([
    [
      "legacy impersonation (every version)",
      'users "alice" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the cluster scope',
    ],
    // v1.36+ (ConstrainedImpersonation): the first constrained mode's refusal, as the v1.37.2 test server writes it.
    [
      "the impersonate-on check of a user (v1.36+)",
      'pods is forbidden: User "carol" cannot impersonate-on:user-info:create resource "pods" in API group "" in the namespace "team-a"',
    ],
    [
      "the impersonate-on check of a service account (v1.36+)",
      'pods is forbidden: User "carol" cannot impersonate-on:serviceaccount:create resource "pods" in API group "" in the namespace "default"',
    ],
    [
      "the impersonate:user-info check of the user (v1.36+)",
      'users.authentication.k8s.io "alice" is forbidden: User "carol" cannot impersonate:user-info resource "users" in API group "authentication.k8s.io" at the cluster scope',
    ],
  ])("recognises the impersonation filter's 403: %s", (_case, message) => {
    expect(impersonationRefusal(status(403, message))).toBe(message);
  });

  it.each([
    ["an ordinary RBAC denial", status(403, 'pods is forbidden: User "alice" cannot create resource "pods"')],
    ["a success", { status: 201, body: {} }],
    ["another status", status(500, 'cannot impersonate resource "users"')],
  ])("ignores %s", (_reason, answer) => {
    expect(impersonationRefusal(answer)).toBeUndefined();
  });
});
