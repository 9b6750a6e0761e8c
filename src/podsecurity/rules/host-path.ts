/** node.host-path: hostPath volume */
import { escapeRule } from "./escape.js";

export const hostPath = escapeRule({
  id: "node.host-path",
  kinds: ["host-path"],
  severity: "high",
  title: "hostPath volume",
  description:
    "A hostPath volume exposes host files: critical for writable or root paths, high for sensitive ones (kubelet credentials, /etc, /proc, /var/lib/etcd\u2026), lower for others.",
  help: "Replace hostPath volumes with emptyDir, a PersistentVolumeClaim, or a narrower read-only path.",
  references: [
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
  ],
});
