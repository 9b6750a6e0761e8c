/**
 * hostPath volumes: container runtime sockets (start a privileged container), sensitive host paths (credentials, other pods' volumes, kernel interfaces) and any other host files. Sources: kyverno `disallow-cri-sock-mount`, kubescape C-0045/C-0048, trivy KSV-0121.
 */

import type { EscapeEvidence, EscapePath } from "./path.js";
import { normalizeHostPath, RUNTIME_SOCKETS, SENSITIVE_HOST_PATHS, within } from "./path.js";

export const hostPathVolumes: EscapePath = {
  kinds: ["runtime-socket", "host-path"],
  find(spec, { specPath, containers }) {
    const evidence: EscapeEvidence[] = [];
    (spec.volumes ?? []).forEach((volume, i) => {
      if (!volume.hostPath) return;
      const hostPath = normalizeHostPath(volume.hostPath.path);
      const mounts = containers.flatMap(({ container }) =>
        (container.volumeMounts ?? [])
          .filter((m) => m.name === volume.name)
          .map((m) => ({ container, mount: m })),
      );
      const writable = mounts.some(({ mount }) => mount.readOnly !== true);
      const mountedBy = [...new Set(mounts.map(({ container }) => container.name))];
      const field = `${specPath}.volumes[${i}].hostPath.path=${volume.hostPath.path}`;
      const how =
        mounts.length === 0
          ? "declared but mounted by no container"
          : writable
            ? "mounted read-write"
            : "mounted read-only";
      const by = mountedBy.length > 0 ? ` by ${mountedBy.map((n) => `"${n}"`).join(", ")}` : "";
      const socket = RUNTIME_SOCKETS.find((s) => hostPath !== "/" && within(s, hostPath));
      if (socket) {
        evidence.push({
          kind: "runtime-socket",
          field,
          summary: `runtime socket ${hostPath}`,
          detail: `volume "${volume.name}" ${how}${by} exposes the container runtime socket ${socket}: start a privileged container on the node`,
          severity: mounts.length === 0 ? "high" : "critical",
          takeover: mounts.length > 0,
        });
        return;
      }
      const sensitive = Object.keys(SENSITIVE_HOST_PATHS)
        .filter((base) => within(hostPath, base) && (base !== "/" || hostPath === "/"))
        .sort((a, b) => b.length - a.length)[0];
      // A parent of a sensitive path (/var, /var/lib) exposes it too.
      const containsSensitive = Object.keys(SENSITIVE_HOST_PATHS).find(
        (base) => base !== "/" && within(base, hostPath),
      );
      const what = sensitive ?? containsSensitive;
      if (what) {
        evidence.push({
          kind: "host-path",
          field,
          summary: `hostPath ${hostPath}`,
          // prototype-safe: what is one of the own keys of SENSITIVE_HOST_PATHS
          detail: `volume "${volume.name}" ${how}${by}: ${hostPath === what ? "" : `includes ${what}, `}${SENSITIVE_HOST_PATHS[what]}`,
          severity: mounts.length === 0 ? "medium" : writable || hostPath === "/" ? "critical" : "high",
          takeover: mounts.length > 0 && writable,
        });
        return;
      }
      evidence.push({
        kind: "host-path",
        field,
        summary: `hostPath ${hostPath}`,
        detail: `volume "${volume.name}" ${how}${by}: host files outside the container${writable ? ", writable" : ""}`,
        severity: mounts.length === 0 ? "low" : writable ? "medium" : "low",
        takeover: false,
      });
    });
    return evidence;
  },
};
