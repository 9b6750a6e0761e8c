/**
 * The restrictedVolumes check (src/podsecurity/checks/restrictedVolumes.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { restrictedVolumesV1Dot0 } from "../../../src/podsecurity/checks/restrictedVolumes.js";
import type { PodSpec } from "../support.js";
import { table } from "./table.js";

table("restrictedVolumes (check_restrictedVolumes_test.go)", restrictedVolumesV1Dot0, [
  {
    name: "host path volumes",
    spec: {
      containers: [],
      volumes: [
        { name: "a1", emptyDir: {} },
        { name: "a2", secret: {} },
        { name: "a3", persistentVolumeClaim: { claimName: "" } },
        { name: "a4", downwardAPI: {} },
        { name: "a5", configMap: {} },
        { name: "a6", projected: {} },
        { name: "a7", csi: { driver: "" } },
        { name: "a8", ephemeral: {} },
        { name: "a9", image: {} },
        { name: "b1", hostPath: { path: "" } },
        { name: "b2", gcePersistentDisk: { pdName: "" } },
        { name: "b3", awsElasticBlockStore: { volumeID: "" } },
        { name: "b4", gitRepo: { repository: "" } },
        { name: "b5", nfs: { server: "", path: "" } },
        { name: "b6", iscsi: { targetPortal: "", iqn: "", lun: 0 } },
        { name: "b7", glusterfs: { endpoints: "", path: "" } },
        { name: "b8", rbd: { monitors: [], image: "" } },
        { name: "b9", flexVolume: { driver: "" } },
        { name: "b10", cinder: { volumeID: "" } },
        { name: "b11", cephfs: { monitors: [] } },
        { name: "b12", flocker: {} },
        { name: "b13", fc: {} },
        { name: "b14", azureFile: { secretName: "", shareName: "" } },
        { name: "b15", vsphereVolume: { volumePath: "" } },
        { name: "b16", quobyte: { registry: "", volume: "" } },
        { name: "b17", azureDisk: { diskName: "", diskURI: "" } },
        { name: "b18", photonPersistentDisk: { pdID: "" } },
        { name: "b19", portworxVolume: { volumeID: "" } },
        { name: "b20", scaleIO: { gateway: "", system: "", secretRef: {} } },
        { name: "b21", storageos: {} },
        { name: "c1" },
      ] as PodSpec["volumes"],
    },
    reason: "restricted volume types",
    detail:
      'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1"' +
      " use restricted volume types " +
      '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", ' +
      '"hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"',
  },
  {
    name: "one volume, one type is singular",
    spec: { containers: [], volumes: [{ name: "root", hostPath: { path: "/" } }] },
    reason: "restricted volume types",
    detail: 'volume "root" uses restricted volume type "hostPath"',
  },
]);
