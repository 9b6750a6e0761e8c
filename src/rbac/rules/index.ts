/**
 * The API plane's finding rules, in the order they run for each binding. A new rule: one file in this
 * directory, one line here. The risky permissions (made by ./risk.ts) run in the order listed.
 */
import type { FindingRule } from "../../model/rule.js";
import { admissionWebhooks } from "./admission-webhooks.js";
import { broadGroup } from "./broad-group.js";
import { clusterAdmin } from "./cluster-admin.js";
import { clusterWideNamespacedAccess } from "./cluster-wide-namespaced-access.js";
import { clusterroleLabels } from "./clusterrole-labels.js";
import type { BindingContext } from "./context.js";
import { createWorkloads } from "./create-workloads.js";
import { csrApproval } from "./csr-approval.js";
import { escalateOrBind } from "./escalate-or-bind.js";
import { impersonate } from "./impersonate.js";
import { missingRole } from "./missing-role.js";
import { missingServiceAccount } from "./missing-service-account.js";
import { nodesProxy } from "./nodes-proxy.js";
import { patchNamespace } from "./patch-namespace.js";
import { podExec } from "./pod-exec.js";
import { readSecrets } from "./read-secrets.js";
import { serviceaccountToken } from "./serviceaccount-token.js";

export const RBAC_RULES: readonly FindingRule<BindingContext>[] = [
  missingRole,
  clusterAdmin,
  impersonate,
  escalateOrBind,
  clusterroleLabels,
  nodesProxy,
  admissionWebhooks,
  csrApproval,
  readSecrets,
  podExec,
  createWorkloads,
  serviceaccountToken,
  patchNamespace,
  clusterWideNamespacedAccess,
  broadGroup,
  missingServiceAccount,
];
