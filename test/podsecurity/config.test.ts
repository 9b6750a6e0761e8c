/** PodSecurityConfiguration as kube-apiserver reads it (admission/api types, v1 defaults, validation). */
import { describe, expect, it } from "vitest";
import { levelVersionString } from "../../src/podsecurity/api.js";
import { parsePodSecurityConfiguration } from "../../src/podsecurity/config.js";

const ok = (document: unknown) => {
  const result = parsePodSecurityConfiguration(document);
  if (!result.ok || !("config" in result)) throw new Error(JSON.stringify(result));
  return result.config;
};

describe("parsePodSecurityConfiguration", () => {
  it("reads defaults and exemptions (v1)", () => {
    const config = ok({
      apiVersion: "pod-security.admission.config.k8s.io/v1",
      kind: "PodSecurityConfiguration",
      defaults: { enforce: "baseline", "enforce-version": "v1.30", audit: "restricted", warn: "restricted" },
      exemptions: { usernames: ["ci"], runtimeClasses: ["kata"], namespaces: ["kube-system"] },
    });
    expect(levelVersionString(config.defaults.enforce)).toBe("baseline:v1.30");
    expect(levelVersionString(config.defaults.audit)).toBe("restricted:latest");
    expect(config.exemptions).toEqual({
      usernames: ["ci"],
      runtimeClasses: ["kata"],
      namespaces: ["kube-system"],
    });
  });

  it("defaults every mode to privileged:latest and no exemptions (v1/defaults.go)", () => {
    const config = ok({
      apiVersion: "pod-security.admission.config.k8s.io/v1beta1",
      kind: "PodSecurityConfiguration",
    });
    expect(levelVersionString(config.defaults.warn)).toBe("privileged:latest");
    expect(config.exemptions.namespaces).toEqual([]);
  });

  it("finds the configuration embedded in an AdmissionConfiguration's PodSecurity plugin", () => {
    const config = ok({
      apiVersion: "apiserver.config.k8s.io/v1",
      kind: "AdmissionConfiguration",
      plugins: [
        { name: "EventRateLimit", path: "x.yaml" },
        {
          name: "PodSecurity",
          configuration: {
            apiVersion: "pod-security.admission.config.k8s.io/v1",
            kind: "PodSecurityConfiguration",
            exemptions: { namespaces: ["ops"] },
          },
        },
      ],
    });
    expect(config.exemptions.namespaces).toEqual(["ops"]);
  });

  it("returns the path when the plugin names a file instead", () => {
    expect(
      parsePodSecurityConfiguration({
        kind: "AdmissionConfiguration",
        plugins: [{ name: "PodSecurity", path: "podsecurity.yaml" }],
      }),
    ).toEqual({ ok: true, path: "podsecurity.yaml" });
  });

  it.each([
    [{ kind: "ConfigMap", apiVersion: "v1" }, "expected kind PodSecurityConfiguration"],
    [{ kind: "AdmissionConfiguration", plugins: [] }, "no plugin named PodSecurity"],
    [
      {
        apiVersion: "pod-security.admission.config.k8s.io/v1",
        kind: "PodSecurityConfiguration",
        defaults: { enforce: "strict", "audit-version": "1.30" },
      },
      'defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted; defaults.audit-version: Invalid value: "1.30": must be "latest" or "v1.x"',
    ],
    [
      {
        apiVersion: "pod-security.admission.config.k8s.io/v1",
        kind: "PodSecurityConfiguration",
        exemptions: { namespaces: "ops" },
      },
      "exemptions.namespaces: must be a list of non-empty strings",
    ],
  ])("rejects %j", (document, error) => {
    const result = parsePodSecurityConfiguration(document);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(error);
  });
});
