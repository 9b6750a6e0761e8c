/**
 * The runtime's default AppArmor profile must not be overridden by an unconfined one.
 * Restricted fields: spec.securityContext.appArmorProfile.type and every container's (allowed: RuntimeDefault,
 * Localhost, undefined); annotations `container.apparmor.security.beta.kubernetes.io/*` (allowed: empty,
 * `runtime/default`, `localhost/*`). One version (1.0) that checks both channels at every policy version.
 * Upstream: policy/check_appArmorProfile.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, goQuote, joinQuote, pluralize, sortedSet, visitContainers } from "../helpers.js";

export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

const allowedAnnotationValue = (value: string) =>
  value === "" || value === "runtime/default" || value.startsWith("localhost/");

const allowedProfileType = (type: string) => type === "RuntimeDefault" || type === "Localhost";

export const appArmorProfileV1Dot0: CheckPodFn = (meta, spec) => {
  const setters: string[] = [];
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile && !allowedProfileType(podProfile.type)) {
    setters.push("pod");
    badValues.push(podProfile.type);
  }
  const badContainers: string[] = [];
  visitContainers(spec, (c) => {
    const profile = c.securityContext?.appArmorProfile;
    if (profile && !allowedProfileType(profile.type)) {
      badContainers.push(c.name);
      badValues.push(profile.type);
    }
  });
  if (badContainers.length > 0) setters.push(containerSetter(badContainers));

  const annotations: string[] = [];
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotationValue(value))
      annotations.push(`${key}=${goQuote(value)}`);
  }
  const values = sortedSet(badValues);
  if (annotations.length > 0) {
    values.push(...sortedSet(annotations));
    setters.push(pluralize("annotation", "annotations", annotations.length));
  }
  if (setters.length === 0) return ALLOWED;
  return forbidden(
    pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length),
    `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(values)}`,
  );
};

export const appArmorProfile: Check = {
  id: "appArmorProfile",
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: appArmorProfileV1Dot0 }],
};
