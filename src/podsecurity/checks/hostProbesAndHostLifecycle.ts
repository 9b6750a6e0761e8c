/**
 * A probe or lifecycle handler with a `host` lets the kubelet reach any address from the node on the pod's
 * behalf, so the field must be empty. Restricted fields: {liveness,readiness,startup}Probe.{httpGet,tcpSocket}.host
 * and lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host of every container. Allowed: "", undefined.
 * New in policy v1.34. Upstream: policy/check_hostProbesAndhostLifecycle.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { joinQuote, pluralize, sortedSet, visitContainers } from "../helpers.js";

type Handler = { httpGet?: { host?: string }; tcpSocket?: { host?: string } } | undefined;

function hostsOf(handler: Handler): string[] {
  const hosts: string[] = [];
  if (handler?.httpGet?.host) hosts.push(handler.httpGet.host);
  if (handler?.tcpSocket?.host) hosts.push(handler.tcpSocket.host);
  return hosts;
}

export const hostProbesAndHostLifecycleV1Dot34: CheckPodFn = (_meta, spec) => {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  visitContainers(spec, (c) => {
    const handlers: Handler[] = [
      c.livenessProbe,
      c.readinessProbe,
      c.startupProbe,
      c.lifecycle?.postStart,
      c.lifecycle?.preStop,
    ];
    for (const handler of handlers) {
      const bad = hostsOf(handler);
      if (bad.length > 0) {
        badContainers.push(c.name);
        hosts.push(...bad);
      }
    }
  });
  if (badContainers.length === 0) return ALLOWED;
  // Both lists are sets upstream: sorted and de-duplicated.
  const containers = sortedSet(badContainers);
  const uniqueHosts = sortedSet(hosts);
  return forbidden(
    "probe or lifecycle host",
    `${pluralize("container", "containers", containers.length)} ${joinQuote(containers)} ${pluralize("uses", "use", containers.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", uniqueHosts.length)} ${joinQuote(uniqueHosts)}`,
  );
};

export const hostProbesAndHostLifecycle: Check = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 34), checkPod: hostProbesAndHostLifecycleV1Dot34 }],
};
