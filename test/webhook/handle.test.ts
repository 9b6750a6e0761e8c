/** The review as a pure function: body and cluster view in; the HTTP answer, the counts and the log line out. */
import { describe, expect, it } from "vitest";
import type { Guardrail } from "../../src/webhook/guardrail.js";
import { GUARDRAILS } from "../../src/webhook/guardrails/index.js";
import { handleReview, statusFailure } from "../../src/webhook/handle.js";
import { fixtureContext, pod, request } from "./helpers.js";

const review = (object: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: request({ object }),
  });

const privileged = pod("team-a", {
  containers: [{ name: "app", image: "nginx", securityContext: { privileged: true } }],
});

describe("handleReview", () => {
  it("answers a review with the AdmissionReview response and a log line that is always written on a denial", () => {
    const result = handleReview(review(privileged), fixtureContext(), GUARDRAILS);
    if (result.type !== "answered") throw new Error(result.message);
    const body = JSON.parse(result.body);
    expect(body).toMatchObject({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" });
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.code).toBe(403);
    expect(result.always).toBe(true);
    expect(result.log).toMatchObject({ level: "info", msg: "review", allowed: false, tenant: "team-a" });
    expect(result.log.violations).toEqual([
      expect.objectContaining({ guardrail: "pod-security", mode: "enforce" }),
    ]);
  });

  it("a clean allow is logged only as sampling allows", () => {
    const result = handleReview(review(pod("team-a")), fixtureContext(), GUARDRAILS);
    expect(result).toMatchObject({ type: "answered", always: false, log: { allowed: true } });
  });

  it("a body that is not JSON, or not an AdmissionReview, is a sampled 400", () => {
    expect(handleReview("{", fixtureContext(), GUARDRAILS)).toMatchObject({
      type: "failed",
      code: 400,
      reason: "BadRequest",
      sampled: true,
      log: { msg: "malformed review" },
    });
    const malformed = handleReview(JSON.stringify({ kind: "Pod" }), fixtureContext(), GUARDRAILS);
    expect(malformed).toMatchObject({ type: "failed", code: 400 });
    if (malformed.type === "failed")
      expect(malformed.message).toMatch(/^malformed AdmissionReview: kind must be/);
  });

  it("without a synced cluster view, a sampled 503", () => {
    expect(handleReview(review(pod("team-a")), undefined, GUARDRAILS)).toMatchObject({
      type: "failed",
      code: 503,
      reason: "ServiceUnavailable",
      sampled: true,
    });
  });

  it("a guardrail that throws is a 500 naming the review, logged directly as an error", () => {
    const broken: Guardrail = {
      ...GUARDRAILS.find((g) => g.id === "pod-security")!,
      check: () => {
        throw new Error("boom");
      },
    };
    const result = handleReview(review(privileged), fixtureContext(), [broken]);
    expect(result).toMatchObject({
      type: "failed",
      code: 500,
      reason: "InternalError",
      sampled: false,
      log: { level: "error", msg: "review failed", error: "boom" },
    });
  });

  it("statusFailure is a Kubernetes Status", () => {
    expect(JSON.parse(statusFailure(429, "TooManyRequests", "slow down", { retryAfterSeconds: 1 }))).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "slow down",
      reason: "TooManyRequests",
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
  });
});
