/**
 * The node-escape paths, in the order their evidence is listed (most direct first): privileged and HostProcess
 * containers, dangerous capabilities, host paths, then host namespaces and /proc. A new path: one file here,
 * one line below.
 */

import { capabilities } from "./capabilities.js";
import { hostNamespaces } from "./host-namespaces.js";
import { hostPathVolumes } from "./host-path-volumes.js";
import { hostProcess } from "./host-process.js";
import type { EscapePath } from "./path.js";
import { privileged } from "./privileged.js";
import { procMount } from "./proc-mount.js";

export const ESCAPE_PATHS: readonly EscapePath[] = [
  privileged,
  hostProcess,
  capabilities,
  hostPathVolumes,
  hostNamespaces,
  procMount,
];
