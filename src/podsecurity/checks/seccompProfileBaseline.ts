/**
 * If a seccomp profile is specified, only the runtime default and localhost profiles are allowed.
 * v1.0–v1.18: annotations `seccomp.security.alpha.kubernetes.io/pod` and
 * `container.seccomp.security.alpha.kubernetes.io/<name>` (allowed: runtime/default, docker/default, localhost/*).
 * v1.19+: spec.securityContext.seccompProfile.type and every container's (allowed: RuntimeDefault, Localhost,
 * undefined). Upstream: policy/check_seccompProfile_baseline.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, goQuote, joinQuote, pluralize, sortedSet, visitContainers } from "../helpers.js";

export const SECCOMP_BASELINE_ID = "seccompProfile_baseline";
export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

export const validSeccompType = (type: string | undefined) =>
  type === "Localhost" || type === "RuntimeDefault";

const validAnnotationValue = (value: string) =>
  value === "runtime/default" || value === "docker/default" || value.startsWith("localhost/");

export const seccompProfileBaselineV1Dot0: CheckPodFn = (meta, spec) => {
  const annotations = meta.annotations ?? {};
  const bad: string[] = [];
  const inspect = (key: string) => {
    // prototype-safe: Object.hasOwn is checked before the value is used
    const value = annotations[key];
    if (value !== undefined && Object.hasOwn(annotations, key) && !validAnnotationValue(value))
      bad.push(`${key}=${goQuote(value)}`);
  };
  inspect(SECCOMP_POD_ANNOTATION);
  visitContainers(spec, (c) => inspect(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name));
  if (bad.length === 0) return ALLOWED;
  const unique = sortedSet(bad);
  return forbidden(
    "seccompProfile",
    `forbidden ${pluralize("annotation", "annotations", unique.length)} ${unique.join(", ")}`,
  );
};

export const seccompProfileBaselineV1Dot19: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccompType(podProfile.type)) {
    setters.push("pod");
    badValues.push(podProfile.type);
  }
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile && !validSeccompType(profile.type)) {
      bad.push(c.name);
      badValues.push(profile.type);
    }
  });
  if (bad.length > 0) setters.push(containerSetter(bad));
  if (setters.length === 0) return ALLOWED;
  return forbidden(
    "seccompProfile",
    `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
  );
};

export const seccompProfileBaseline: Check = {
  id: SECCOMP_BASELINE_ID,
  level: "baseline",
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: seccompProfileBaselineV1Dot0 },
    { minimumVersion: majorMinor(1, 19), checkPod: seccompProfileBaselineV1Dot19 },
  ],
};
