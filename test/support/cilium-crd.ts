/** A stand-in for Cilium's CRD (group, version, kind and scope as Cilium serves them; its schema left open). */
export const CILIUM_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "ciliumnetworkpolicies.cilium.io" },
  spec: {
    group: "cilium.io",
    scope: "Namespaced",
    names: { plural: "ciliumnetworkpolicies", singular: "ciliumnetworkpolicy", kind: "CiliumNetworkPolicy" },
    versions: [
      {
        name: "v2",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};
