/** Every Pod Security Standards check upstream registers by default (policy.DefaultChecks()). */
import type { Check } from "../check.js";
import { allowPrivilegeEscalation } from "./allowPrivilegeEscalation.js";
import { appArmorProfile } from "./appArmorProfile.js";
import { capabilitiesBaseline } from "./capabilitiesBaseline.js";
import { capabilitiesRestricted } from "./capabilitiesRestricted.js";
import { hostNamespaces } from "./hostNamespaces.js";
import { hostPathVolumes } from "./hostPathVolumes.js";
import { hostPorts } from "./hostPorts.js";
import { hostProbesAndHostLifecycle } from "./hostProbesAndHostLifecycle.js";
import { privileged } from "./privileged.js";
import { procMount } from "./procMount.js";
import { procMountRestricted } from "./procMountRestricted.js";
import { restrictedVolumes } from "./restrictedVolumes.js";
import { runAsNonRoot } from "./runAsNonRoot.js";
import { runAsUser } from "./runAsUser.js";
import { seccompProfileBaseline } from "./seccompProfileBaseline.js";
import { seccompProfileRestricted } from "./seccompProfileRestricted.js";
import { seLinuxOptions } from "./seLinuxOptions.js";
import { sysctls } from "./sysctls.js";
import { windowsHostProcess } from "./windowsHostProcess.js";

/** Registration order does not matter: the registry orders results by check ID. */
export const DEFAULT_CHECKS: readonly Check[] = [
  appArmorProfile,
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  seLinuxOptions,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
];
