/**
 * Whether the live server runs Pod Security admission, asked of the server itself: its version only says
 * whether the plugin is on by default, and a server started with `--disable-admission-plugins=PodSecurity`
 * (or a distribution that replaces it) reads the `pod-security.kubernetes.io/*` labels as plain labels.
 *
 * The probe is one server-side dry-run create (`dryRun=All`: admitted or not, nothing is stored) of a
 * Namespace whose `pod-security.kubernetes.io/enforce` label has an invalid value. Pod Security admission
 * refuses every such create, with no exemption (`ValidateNamespace` in
 * k8s.io/pod-security-admission/admission: "require valid labels on create"), so:
 *   - 422 naming the label → the plugin is on;
 *   - created → nothing checks the labels: the plugin is off;
 *   - anything else (403 for an identity that may not create Namespaces, another webhook's refusal) →
 *     unknown, and the audit falls back to the version.
 */
import { randomBytes } from "node:crypto";
import type { PodSecurityAdmissionProbe } from "../model/snapshot.js";
import { type KubeClient, type KubeResponse, statusMessage } from "./kube-client.js";

const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
/** Not a level, so Pod Security admission must refuse it; names the tool for whoever reads the audit log. */
const INVALID_LEVEL = "kubefence-probe";

export async function probePodSecurityAdmission(client: KubeClient): Promise<PodSecurityAdmissionProbe> {
  // A fresh name, so the create cannot fail as AlreadyExists before admission says anything.
  const name = `kubefence-probe-${randomBytes(4).toString("hex")}`;
  const asked = `a dry-run create of a Namespace labelled ${ENFORCE_LABEL}=${INVALID_LEVEL}`;
  let answer: KubeResponse;
  try {
    answer = await client.request("POST", "/api/v1/namespaces?dryRun=All&fieldManager=kubefence", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { [ENFORCE_LABEL]: INVALID_LEVEL } },
    });
  } catch (error) {
    return {
      active: undefined,
      how: `${asked} failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const message = statusMessage(answer.body);
  if (answer.status === 422 && message.includes(ENFORCE_LABEL))
    return { active: true, how: `${asked} was refused by Pod Security admission` };
  if (answer.status === 200 || answer.status === 201)
    return {
      active: false,
      how: `the PodSecurity admission plugin is not running: the server admitted ${asked} (nothing was stored), which the plugin always refuses`,
    };
  return { active: undefined, how: `${asked} was answered ${answer.status}: ${message}` };
}
