/**
 * Restricted pods may use only the core, non-host volume types: configMap, csi, downwardAPI, emptyDir,
 * ephemeral, image, persistentVolumeClaim, projected, secret. Replaces hostPathVolumes under restricted.
 * One version (1.0); `image` was added to it in place, so it is allowed at every policy version.
 * Upstream: policy/check_restrictedVolumes.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { joinQuote, pluralize, sortedSet } from "../helpers.js";
import { HOST_PATH_VOLUMES_ID } from "./hostPathVolumes.js";

const ALLOWED_SOURCES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
] as const;

/** The restricted sources, in the order upstream tests for them; a volume with none of these is "unknown". */
const RESTRICTED_SOURCES = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
] as const;

export const restrictedVolumesV1Dot0: CheckPodFn = (_meta, spec) => {
  const badVolumes: string[] = [];
  const badTypes: string[] = [];
  for (const volume of spec.volumes ?? []) {
    const source = volume as unknown as Record<string, unknown>;
    if (ALLOWED_SOURCES.some((key) => source[key] != null)) continue;
    badVolumes.push(volume.name);
    badTypes.push(RESTRICTED_SOURCES.find((key) => source[key] != null) ?? "unknown");
  }
  if (badVolumes.length === 0) return ALLOWED;
  const types = sortedSet(badTypes);
  return forbidden(
    "restricted volume types",
    `${pluralize("volume", "volumes", badVolumes.length)} ${joinQuote(badVolumes)} ${pluralize("uses", "use", badVolumes.length)} ${pluralize("restricted volume type", "restricted volume types", types.length)} ${joinQuote(types)}`,
  );
};

export const restrictedVolumes: Check = {
  id: "restrictedVolumes",
  level: "restricted",
  versions: [
    {
      minimumVersion: majorMinor(1, 0),
      checkPod: restrictedVolumesV1Dot0,
      overrideCheckIds: [HOST_PATH_VOLUMES_ID],
    },
  ],
};
