/**
 * Setting a custom SELinux user or role is forbidden, and the type is limited to the container types.
 * Restricted fields: spec.securityContext.seLinuxOptions and every container's. Allowed type: "", container_t,
 * container_init_t, container_kvm_t (+ container_engine_t from v1.31); user and role: empty.
 * Upstream: policy/check_seLinuxOptions.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, joinQuote, pluralize, sortedSet, visitContainers } from "../helpers.js";

const TYPES_V1_0: ReadonlySet<string> = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
const TYPES_V1_31: ReadonlySet<string> = new Set([...TYPES_V1_0, "container_engine_t"]);

type SELinuxOptions = { type?: string; user?: string; role?: string };

function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): CheckPodFn {
  return (_meta, spec) => {
    const setters: string[] = [];
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (options: SELinuxOptions) => {
      let ok = true;
      if (!allowedTypes.has(options.type ?? "")) {
        ok = false;
        badTypes.push(options.type ?? "");
      }
      if (options.user) {
        ok = false;
        setUser = true;
      }
      if (options.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podOptions = spec.securityContext?.seLinuxOptions;
    if (podOptions && !valid(podOptions)) setters.push("pod");
    const badContainers: string[] = [];
    visitContainers(spec, (c) => {
      const options = c.securityContext?.seLinuxOptions;
      if (options && !valid(options)) badContainers.push(c.name);
    });
    if (badContainers.length > 0) setters.push(containerSetter(badContainers));
    if (setters.length === 0) return ALLOWED;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) data.push("user may not be set");
    if (setRole) data.push("role may not be set");
    return forbidden(
      "seLinuxOptions",
      `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
    );
  };
}

export const seLinuxOptionsV1Dot0 = seLinuxOptionsCheck(TYPES_V1_0);
export const seLinuxOptionsV1Dot31 = seLinuxOptionsCheck(TYPES_V1_31);

export const seLinuxOptions: Check = {
  id: "seLinuxOptions",
  level: "baseline",
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: seLinuxOptionsV1Dot0 },
    { minimumVersion: majorMinor(1, 31), checkPod: seLinuxOptionsV1Dot31 },
  ],
};
