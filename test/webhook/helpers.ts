/** Builds admission requests and contexts from small YAML fixtures, the way the server and cache would. */
import { readFileSync } from "node:fs";
import { kindInfo } from "../../src/model/kinds.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { parseWebhookSettings } from "../../src/sources/tenants-file.js";
import { type AdmissionContext, admissionContext } from "../../src/webhook/context.js";
import { GUARDRAIL_IDS } from "../../src/webhook/guardrails/index.js";
import type { AdmissionRequest, Operation } from "../../src/webhook/review.js";
import { defaultSettings, type WebhookSettings } from "../../src/webhook/settings.js";

export const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

export function snapshotOf(yaml: string): Snapshot {
  return buildSnapshot(parseDocuments(yaml, "fixture.yaml").documents, { synthesizeNamespaces: true })
    .snapshot;
}

export function settingsOf(yaml: string, extra = ""): WebhookSettings {
  const { settings, diagnostics } = parseWebhookSettings(`${yaml}\n${extra}`, "tenants.yaml", GUARDRAIL_IDS);
  if (!settings) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return settings;
}

/** The fixture cluster with the fixture tenants file (or the safe default with `tenants: false`). */
export function fixtureContext(options: { tenants?: boolean; modes?: string } = {}): AdmissionContext {
  const snapshot = snapshotOf(readFileSync(fixture("cluster.yaml"), "utf8"));
  const settings =
    options.tenants === false
      ? defaultSettings()
      : settingsOf(
          readFileSync(fixture("tenants.yaml"), "utf8").replace(/^guardrails:[\s\S]*$/m, ""),
          options.modes ?? "",
        );
  return admissionContext(snapshot, settings);
}

export interface ReviewInput {
  operation?: Operation;
  object?: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
  user?: string;
  groups?: string[];
  namespace?: string;
  subResource?: string;
}

let counter = 0;

/** An AdmissionRequest as the API server sends it for the object (kind and resource from kubefence's kind table). */
export function request(input: ReviewInput): AdmissionRequest {
  const object = (input.object ?? input.oldObject)!;
  const kind = object.kind as string;
  const info = kindInfo(kind)!;
  const metadata = object.metadata as { name: string; namespace?: string };
  return {
    uid: `uid-${++counter}`,
    kind: { group: info.group, version: info.version, kind },
    resource: { group: info.group, version: info.version, resource: info.plural },
    subResource: input.subResource,
    name: metadata.name,
    namespace: info.namespaced ? (input.namespace ?? metadata.namespace) : undefined,
    operation: input.operation ?? "CREATE",
    userInfo: { username: input.user ?? "alice", groups: [...(input.groups ?? []), "system:authenticated"] },
    object: input.operation === "DELETE" ? undefined : structuredClone(input.object),
    oldObject: input.oldObject && structuredClone(input.oldObject),
  };
}

export function pod(
  namespace: string,
  spec: Record<string, unknown> = {},
  name = "web",
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: { containers: [{ name: "app", image: "nginx" }], ...spec },
  };
}

/** A pod that passes restricted. */
export function restrictedPod(namespace: string, name = "web"): Record<string, unknown> {
  return pod(
    namespace,
    {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "app",
          image: "nginx",
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    },
    name,
  );
}
