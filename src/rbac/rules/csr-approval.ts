/** rbac.csr-approval: Approve certificate signing requests */
import { riskRule } from "./risk.js";

export const csrApproval = riskRule({
  id: "rbac.csr-approval",
  namespaced: false,
  anyOf: [
    {
      verb: "update",
      group: "certificates.k8s.io",
      resource: "certificatesigningrequests",
      subresource: "approval",
      name: "some",
    },
  ],
  allOf: [{ verb: "approve", group: "certificates.k8s.io", resource: "signers", name: "some" }],
  severity: { cluster: "high" },
  what: "approve certificate signing requests: mint client certificates for other users and groups",
  remediation:
    "Restrict approve on signers to the one signerName needed, and only for the CSR controller's identity.",
  title: "Approve certificate signing requests",
  description:
    "Approving CSRs (update on certificatesigningrequests/approval plus approve on signers) mints client certificates for any user or group.",
  references: [
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing",
  ],
});
