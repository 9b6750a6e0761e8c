/**
 * Restricted checks, transcribed from upstream's unit tests (policy/check_*_test.go), plus the version-specific
 * relaxations: Windows pods from v1.25, user-namespace pods (hostUsers: false) from v1.35.
 */
import { describe, expect, it } from "vitest";
import type { CheckPodFn } from "../../../src/podsecurity/check.js";
import {
  allowPrivilegeEscalationV1Dot8,
  allowPrivilegeEscalationV1Dot25,
} from "../../../src/podsecurity/checks/allowPrivilegeEscalation.js";
import {
  capabilitiesRestrictedV1Dot22,
  capabilitiesRestrictedV1Dot25,
} from "../../../src/podsecurity/checks/capabilitiesRestricted.js";
import { restrictedVolumesV1Dot0 } from "../../../src/podsecurity/checks/restrictedVolumes.js";
import { runAsNonRootV1Dot0, runAsNonRootV1Dot35 } from "../../../src/podsecurity/checks/runAsNonRoot.js";
import { runAsUserV1Dot23, runAsUserV1Dot35 } from "../../../src/podsecurity/checks/runAsUser.js";
import {
  seccompProfileRestrictedV1Dot19,
  seccompProfileRestrictedV1Dot25,
} from "../../../src/podsecurity/checks/seccompProfileRestricted.js";
import { expected, named, type PodSpec, type Row, run } from "../support.js";

function table(title: string, check: CheckPodFn, rows: Row[]) {
  describe(title, () => {
    it.each(rows.map((row) => [row.name, row] as const))("%s", (_name, row) => {
      expect(run(check, row)).toEqual(expected(row));
    });
  });
}

table("allowPrivilegeEscalation (check_allowPrivilegeEscalation_test.go)", allowPrivilegeEscalationV1Dot8, [
  {
    name: "multiple containers",
    spec: {
      containers: [
        named("a"),
        named("b", {}),
        named("c", { allowPrivilegeEscalation: true }),
        named("d", { allowPrivilegeEscalation: false }),
      ],
    },
    reason: "allowPrivilegeEscalation != false",
    detail: 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
  },
]);

table("capabilities_restricted (check_capabilities_restricted_test.go)", capabilitiesRestrictedV1Dot22, [
  {
    name: "multiple containers",
    spec: {
      containers: [
        named("a", { capabilities: { add: ["FOO", "BAR"] } }),
        named("b", { capabilities: { add: ["BAR", "BAZ"] } }),
        named("c", { capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"], drop: ["ALL", "FOO"] } }),
      ],
    },
    reason: "unrestricted capabilities",
    detail:
      'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
  },
  {
    name: "drop ALL and add NET_BIND_SERVICE is allowed",
    spec: { containers: [named("a", { capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] } })] },
  },
  {
    name: "no securityContext must drop ALL",
    spec: { containers: [named("a")] },
    reason: "unrestricted capabilities",
    detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
  },
]);

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

table("runAsNonRoot v1.35 (check_runAsNonRoot_test.go)", runAsNonRootV1Dot35, [
  {
    name: "no explicit runAsNonRoot",
    spec: { containers: [named("a")] },
    reason: "runAsNonRoot != true",
    detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
  },
  {
    name: "pod runAsNonRoot=false",
    spec: { securityContext: { runAsNonRoot: false }, containers: [named("a")] },
    reason: "runAsNonRoot != true",
    detail: "pod must not set securityContext.runAsNonRoot=false",
  },
  {
    name: "containers runAsNonRoot=false",
    spec: {
      securityContext: { runAsNonRoot: true },
      containers: [
        named("a"),
        named("b", {}),
        named("c", { runAsNonRoot: false }),
        named("d", { runAsNonRoot: false }),
        named("e", { runAsNonRoot: true }),
        named("f", { runAsNonRoot: true }),
      ],
    },
    reason: "runAsNonRoot != true",
    detail: 'containers "c", "d" must not set securityContext.runAsNonRoot=false',
  },
  {
    name: "pod nil, container fallthrough",
    spec: {
      containers: [
        named("a"),
        named("b", {}),
        named("d", { runAsNonRoot: true }),
        named("e", { runAsNonRoot: true }),
      ],
    },
    reason: "runAsNonRoot != true",
    detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
  },
  { name: "host users false allowed", spec: { hostUsers: false, containers: [] } },
  {
    name: "hostUsers: false allows even an explicit runAsNonRoot=false",
    spec: { hostUsers: false, securityContext: { runAsNonRoot: false }, containers: [named("a")] },
  },
]);

table("runAsNonRoot v1.0: no user-namespace relaxation", runAsNonRootV1Dot0, [
  {
    name: "hostUsers: false still needs runAsNonRoot before v1.35",
    spec: { hostUsers: false, containers: [named("a")] },
    reason: "runAsNonRoot != true",
    detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
  },
]);

table("runAsUser v1.35 (check_runAsUser_test.go)", runAsUserV1Dot35, [
  {
    name: "pod runAsUser=0",
    spec: { securityContext: { runAsUser: 0 }, containers: [named("a")] },
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
  {
    name: "pod runAsUser=non-zero",
    spec: { securityContext: { runAsUser: 1000 }, containers: [named("a")] },
  },
  { name: "pod runAsUser=nil", spec: { securityContext: {}, containers: [named("a")] } },
  {
    name: "containers runAsUser=0",
    spec: {
      securityContext: { runAsUser: 1000 },
      containers: [
        named("a"),
        named("b", {}),
        named("c", { runAsUser: 0 }),
        named("d", { runAsUser: 0 }),
        named("e", { runAsUser: 1 }),
        named("f", { runAsUser: 1 }),
      ],
    },
    reason: "runAsUser=0",
    detail: 'containers "c", "d" must not set runAsUser=0',
  },
  {
    name: "containers runAsUser=non-zero",
    spec: {
      containers: [
        named("c", { runAsUser: 1 }),
        named("d", { runAsUser: 2 }),
        named("e", { runAsUser: 3 }),
        named("f", { runAsUser: 4 }),
      ],
    },
  },
  {
    name: "UserNamespacesPodSecurityStandards enabled without HostUsers",
    spec: { hostUsers: false, containers: [] },
  },
  {
    name: "UserNamespacesPodSecurityStandards enabled with HostUsers",
    spec: { hostUsers: true, securityContext: { runAsUser: 0 }, containers: [named("a")] },
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
]);

table("runAsUser v1.23: no user-namespace relaxation", runAsUserV1Dot23, [
  {
    name: "hostUsers: false still forbids runAsUser=0 before v1.35",
    spec: { hostUsers: false, securityContext: { runAsUser: 0 }, containers: [] },
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
]);

const seccompContainers = [
  named("a"),
  named("b", {}),
  named("c", { seccompProfile: { type: "Unconfined" } }),
  named("d", { seccompProfile: { type: "Unconfined" } }),
  named("e", { seccompProfile: { type: "RuntimeDefault" } }),
  named("f", { seccompProfile: { type: "RuntimeDefault" } }),
];

table(
  "seccompProfile_restricted (check_seccompProfile_restricted_test.go)",
  seccompProfileRestrictedV1Dot19,
  [
    {
      name: "no explicit seccomp",
      spec: { containers: [named("a")] },
      reason: "seccompProfile",
      detail:
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
    {
      name: "pod seccomp invalid",
      spec: { securityContext: { seccompProfile: { type: "Unconfined" } }, containers: [named("a")] },
      reason: "seccompProfile",
      detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    {
      name: "containers seccomp invalid",
      spec: {
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        containers: seccompContainers,
      },
      reason: "seccompProfile",
      detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    {
      name: "pod nil, container fallthrough",
      spec: {
        containers: [
          named("a"),
          named("b", {}),
          named("d", { seccompProfile: { type: "RuntimeDefault" } }),
          named("e", { seccompProfile: { type: "RuntimeDefault" } }),
        ],
      },
      reason: "seccompProfile",
      detail:
        'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
  ],
);

describe("Windows pods (spec.os.name: windows) are exempt from the Linux-only restricted checks from v1.25", () => {
  const windows: PodSpec = { os: { name: "windows" }, containers: [named("a")] };
  const linux: PodSpec = { os: { name: "linux" }, containers: [named("a")] };
  const cases: [string, CheckPodFn, CheckPodFn][] = [
    ["allowPrivilegeEscalation", allowPrivilegeEscalationV1Dot8, allowPrivilegeEscalationV1Dot25],
    ["capabilities_restricted", capabilitiesRestrictedV1Dot22, capabilitiesRestrictedV1Dot25],
    ["seccompProfile_restricted", seccompProfileRestrictedV1Dot19, seccompProfileRestrictedV1Dot25],
  ];
  it.each(cases)(
    "%s: windows forbidden before v1.25, allowed from v1.25; linux forbidden in both",
    (_id, olderCheck, newerCheck) => {
      expect(olderCheck({}, windows).allowed).toBe(false);
      expect(newerCheck({}, windows).allowed).toBe(true);
      expect(olderCheck({}, linux).allowed).toBe(false);
      expect(newerCheck({}, linux).allowed).toBe(false);
    },
  );
});
