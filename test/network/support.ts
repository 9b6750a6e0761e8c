/** Small clusters for network tests, admitted and defaulted exactly as a manifest source would. */
import type { Origin } from "../../src/model/origin.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { analyzeNetwork, type NetworkModel } from "../../src/network/model.js";
import type { NetworkOptions } from "../../src/network/options.js";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { buildSnapshot } from "../../src/sources/build.js";
import type { RawDocument } from "../../src/sources/documents.js";

export function snapshotOf(objects: unknown[]): Snapshot {
  const documents: RawDocument[] = objects.map((value, i) => {
    const origin: Origin = { file: "test.yaml", line: i + 1, column: 1 };
    return { value: structuredClone(value), origin, locate: () => origin };
  });
  return buildSnapshot(documents, { synthesizeNamespaces: true }).snapshot;
}

export function namespace(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export interface PodShape {
  labels?: Record<string, string>;
  ip?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostNetwork?: boolean;
  node?: string;
}

export function pod(ref: string, shape: PodShape = {}) {
  const [ns, name] = ref.split("/") as [string, string];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: shape.labels ?? { pod: name } },
    spec: {
      ...(shape.node ? { nodeName: shape.node } : {}),
      ...(shape.hostNetwork ? { hostNetwork: true } : {}),
      containers: [
        { name: "c", image: "agnhost", ports: shape.ports ?? [{ name: "http", containerPort: 80 }] },
      ],
    },
    ...(shape.ip ? { status: { podIP: shape.ip } } : {}),
  };
}

export function node(name: string, ip: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    status: { addresses: [{ type: "InternalIP", address: ip }] },
  };
}

export function policy(ref: string, spec: Record<string, unknown>) {
  const [ns, name] = ref.split("/") as [string, string];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: ns },
    spec,
  };
}

export function model(objects: unknown[], options: NetworkOptions = {}): NetworkModel {
  return analyzeNetwork(snapshotOf(objects), options);
}

/** Is SRC → DST allowed on PORT/PROTOCOL (names as `reach` takes them)? */
export function allowed(
  m: NetworkModel,
  src: string,
  dst: string,
  port = 80,
  protocol: "TCP" | "UDP" | "SCTP" = "TCP",
) {
  return reach(m, resolveEnd(m, src), resolveEnd(m, dst), port, protocol).allowed;
}
