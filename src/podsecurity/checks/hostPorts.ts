/**
 * HostPorts must be forbidden (an outright ban, no ranges).
 * Restricted field: spec.{initContainers,containers,ephemeralContainers}[*].ports[*].hostPort. Allowed: undefined, 0.
 * Upstream: policy/check_hostPorts.go. Ports are listed as a sorted string set ("10, 20, 30"; "443, 80").
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { joinQuote, pluralize, sortedSet, visitContainers } from "../helpers.js";

export const hostPortsV1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  visitContainers(spec, (c) => {
    let valid = true;
    for (const port of c.ports ?? []) {
      if (port.hostPort) {
        valid = false;
        ports.push(String(port.hostPort));
      }
    }
    if (!valid) bad.push(c.name);
  });
  if (bad.length === 0) return ALLOWED;
  const unique = sortedSet(ports);
  return forbidden(
    "hostPort",
    `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", unique.length)} ${unique.join(", ")}`,
  );
};

export const hostPorts: Check = {
  id: "hostPorts",
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostPortsV1Dot0 }],
};
