/**
 * The boundary: a raw document becomes a typed, defaulted object, or a diagnostic saying exactly which
 * field of which file:line is wrong. Field types are checked against Kubernetes' OpenAPI schema
 * (kubernetes-models), labels as the API server validates them (labels.ts); nothing past this point sees an
 * untyped value, nor an object the API server would have rejected for its labels.
 */
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import { ValidatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ReplicaSet } from "kubernetes-models/apps/v1/ReplicaSet";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Node } from "kubernetes-models/v1/Node";
import { Pod } from "kubernetes-models/v1/Pod";
import { PodTemplate } from "kubernetes-models/v1/PodTemplate";
import { ReplicationController } from "kubernetes-models/v1/ReplicationController";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { applyDefaults } from "../defaults.js";
import type { Diagnostic } from "../diagnostic.js";
import type { Path, RawDocument } from "../document.js";
import { goQuote } from "../go-format.js";
import { apiVersionOf, type KindInfo, kindInfo } from "../kinds.js";
import { DEFAULT_KUBE_VERSION, type KubeVersion } from "../kube-version.js";
import type { Kind, KubeObject, NetworkPolicy as NetworkPolicyObject } from "../objects.js";
import { setOrigin } from "../origin.js";
import { type FieldError, fieldRequired, invalidObjectMessage } from "../validation.js";
import { ClusterPolicyShape } from "./cluster-network-policy.js";
import { decodeNulls, fillNullElements, zeroStructs } from "./decode.js";
import { labelErrors } from "./labels.js";
import { validateNetworkPolicy } from "./network-policy.js";
import { HierarchyConfiguration, SubnamespaceAnchor, Tenant } from "./platform.js";

type Validator = new (data: never) => { validate(): void };
/** Throws `{ errors }` (ajv's shape) when the object does not fit its kind's schema. */
type Validate = (object: unknown) => void;

/**
 * A kubernetes-models class's schema check run on the object itself: `new Model(data)` first deep-copies
 * the data (dropping undefined values, which the schema treats as absent anyway), a copy of every object
 * read that is thrown away at once. Its validate() only reads `this`.
 */
const inPlace =
  (model: Validator): Validate =>
  (object) =>
    model.prototype.validate.call(object);
/** kubefence's own shape checks (custom resources), which keep what they are given. */
const constructed =
  (model: Validator): Validate =>
  (object) =>
    new model(object as never).validate();

const MODELS: Record<Kind, Validate> = {
  Namespace: inPlace(Namespace),
  Node: inPlace(Node),
  Pod: inPlace(Pod),
  ServiceAccount: inPlace(ServiceAccount),
  Service: inPlace(Service),
  ReplicationController: inPlace(ReplicationController),
  PodTemplate: inPlace(PodTemplate),
  Deployment: inPlace(Deployment),
  ReplicaSet: inPlace(ReplicaSet),
  StatefulSet: inPlace(StatefulSet),
  DaemonSet: inPlace(DaemonSet),
  Job: inPlace(Job),
  CronJob: inPlace(CronJob),
  NetworkPolicy: inPlace(NetworkPolicy),
  Role: inPlace(Role),
  ClusterRole: inPlace(ClusterRole),
  RoleBinding: inPlace(RoleBinding),
  ClusterRoleBinding: inPlace(ClusterRoleBinding),
  ValidatingWebhookConfiguration: inPlace(ValidatingWebhookConfiguration),
  ValidatingAdmissionPolicy: inPlace(ValidatingAdmissionPolicy),
  ValidatingAdmissionPolicyBinding: inPlace(ValidatingAdmissionPolicyBinding),
  Tenant: constructed(Tenant),
  HierarchyConfiguration: constructed(HierarchyConfiguration),
  SubnamespaceAnchor: constructed(SubnamespaceAnchor),
  AdminNetworkPolicy: constructed(ClusterPolicyShape),
  BaselineAdminNetworkPolicy: constructed(ClusterPolicyShape),
  ClusterNetworkPolicy: constructed(ClusterPolicyShape),
};

export type Admission =
  | { type: "object"; object: KubeObject; diagnostics: Diagnostic[] }
  | { type: "unknown"; apiVersionKind: string }
  | { type: "list"; items: unknown[] }
  | { type: "rejected"; diagnostics: Diagnostic[] };

/**
 * kubectl's `--validate`: what to do with a document the API server would reject for a field the analysis
 * can do without. `strict`: skip it (an error); `warn`: analyse it as written, with a warning; `ignore`:
 * analyse it, say nothing. A document that cannot be interpreted at all is skipped in every mode.
 */
export type ValidationMode = "strict" | "warn" | "ignore";

export interface AdmitOptions {
  /** Default `warn`. */
  validate?: ValidationMode;
  /** Namespace for namespaced objects that name none (`-n`); `default` otherwise. */
  defaultNamespace?: string;
  /** The API server version whose defaulting and validation apply (`--kube-version`; a live server's own). */
  kubeVersion?: KubeVersion;
}

export function admit(doc: RawDocument, options: AdmitOptions = {}): Admission {
  const raw = doc.value;
  if (!isRecord(raw)) return reject(doc, `document is ${describeType(raw)}, not a Kubernetes object`);
  // A List's items are admitted one by one, each decoded then; `items: null` is an empty list.
  const listKind =
    typeof raw.kind === "string" && (raw.kind === "List" || (raw.kind.endsWith("List") && "items" in raw));
  if (listKind && raw.items === null) return { type: "list", items: [] };
  const { value, nullElements } =
    listKind || doc.nullFree
      ? { value: raw, nullElements: [] }
      : (decodeNulls(raw) as { value: Record<string, unknown>; nullElements: Path[] });
  const { apiVersion, kind } = value;
  if (kind === undefined) return reject(doc, "document has no kind");
  if (typeof kind !== "string" || kind === "")
    return reject(doc, "kind must be a non-empty string", ["kind"]);
  if (apiVersion === undefined) return reject(doc, `${kind} has no apiVersion`);
  if (typeof apiVersion !== "string" || apiVersion === "")
    return reject(doc, "apiVersion must be a non-empty string", ["apiVersion"]);

  if (listKind) {
    if (!Array.isArray(value.items)) return reject(doc, `${kind}.items must be a list`, ["items"]);
    return { type: "list", items: value.items };
  }

  const info = kindInfo(kind);
  const diagnostics: Diagnostic[] = [];
  if (info && !acceptsVersion(info, apiVersion) && builtInGroup(apiVersion)) {
    // A built-in kind under a version of a built-in group that does not serve it (`v1` Deployment):
    // not a custom resource kubefence may pass over, but what kubectl refuses, in kubectl's words.
    const meta = isRecord(value.metadata) ? value.metadata : {};
    const str = (v: unknown) => JSON.stringify(typeof v === "string" ? v : "");
    const from = "file" in doc.origin ? doc.origin.file : doc.origin.cluster;
    const served = apiVersionOf(info);
    return reject(
      doc,
      `resource mapping not found for name: ${str(meta.name)} namespace: ${str(meta.namespace)} from ${JSON.stringify(from)}: no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)} (${kind} is served as ${served})`,
      ["apiVersion"],
    );
  }
  if (!info || !acceptsVersion(info, apiVersion))
    return { type: "unknown", apiVersionKind: `${apiVersion}/${kind}` };
  // A platform's CRD serves its other versions by conversion: read as the stored one, nothing to say.
  if (
    apiVersion !== apiVersionOf(info) &&
    !info.platform &&
    !(info.equivalentVersions ?? []).includes(apiVersion)
  ) {
    diagnostics.push({
      severity: "warning",
      message: `${kind} ${apiVersion} is deprecated and no longer served by current Kubernetes; read as ${apiVersionOf(info)}`,
      origin: doc.locate(["apiVersion"]),
      field: "apiVersion",
    });
  }

  const metadata = value.metadata;
  if (metadata === undefined) return reject(doc, `${kind} has no metadata`);
  if (!isRecord(metadata)) return reject(doc, "metadata must be an object", ["metadata"]);
  if (metadata.name === undefined || metadata.name === "") {
    const generated =
      typeof metadata.generateName === "string"
        ? ` (generateName ${JSON.stringify(metadata.generateName)} is resolved only by the API server)`
        : "";
    return reject(doc, `${kind} has no metadata.name${generated}`, ["metadata"]);
  }

  // The object typed and defaulted below: the document's own value when no one else reads it (a parsed
  // file's), else a copy of its top level and metadata, which admission changes.
  const object = (doc.owned ? value : { ...value, metadata: { ...metadata } }) as Record<string, unknown> & {
    metadata: Record<string, unknown>;
  };
  if (object.apiVersion !== apiVersionOf(info)) object.apiVersion = apiVersionOf(info);
  zeroStructs(object);
  if (nullElements.length > 0) {
    try {
      MODELS[info.kind](object);
    } catch (error) {
      const errors = (error as { errors?: unknown }).errors;
      if (Array.isArray(errors)) fillNullElements(object, nullElements, errors);
    }
  }
  // The API server defaults before it validates: `protocol: ""` becomes TCP and is then valid. Defaulting
  // an object of the wrong shape may throw; validation below then says what is wrong with it.
  const version = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  try {
    applyDefaults(object as unknown as KubeObject, version);
  } catch {}
  const validate = options.validate ?? "warn";
  /** Errors the API server would reject the object for, but the analysis can do without (--validate). */
  const tolerated: FieldError[] = [];
  try {
    MODELS[info.kind](object);
  } catch (error) {
    const problems = validationProblems(error, object);
    if (!problems) throw error;
    if (problems.every(analysable)) {
      for (const p of problems) {
        tolerated.push(missingField(p));
        // Go's zero value, as the API server's decoding leaves it: a nameless container is named "".
        if (p.required !== "containerPort") setAt(object, [...p.path, p.required!], "");
      }
    } else {
      // Only a required field missing (`containers: null`): the API server's field.Required, in its words.
      // Several are left in the schema's words: the server would list them in its own validation order.
      if (problems.length === 1 && problems[0]!.required !== undefined) {
        const required = problems.map((p) => fieldRequired(fieldPath([...p.path, p.required!]), ""));
        return {
          type: "rejected",
          diagnostics: [
            {
              severity: "error",
              message: `${invalidObjectMessage(kind, info.group, String(metadata.name), required)}; document skipped`,
              origin: doc.locate(problems[0]!.path),
              field: required[0]!.field,
            },
          ],
        };
      }
      return {
        type: "rejected",
        diagnostics: problems.map((p) => ({
          severity: "error" as const,
          message: `${kind} ${JSON.stringify(metadata.name)}: ${fieldPath(p.path) || "object"} ${p.message}; document skipped`,
          origin: doc.locate(p.path),
          field: fieldPath(p.path),
        })),
      };
    }
  }

  // What the API server validates beyond field types, where kubefence checks it: labels and selectors.
  const invalid = apiServerErrors(object as unknown as KubeObject, version);
  tolerated.push(...invalid);
  if (tolerated.length > 0 && validate !== "ignore") {
    const errors = inServerOrder([...tolerated, ...duplicateContainerNames(object)]);
    const at = errors[0]!.at ?? [];
    const message = invalidObjectMessage(kind, info.group, String(metadata.name), errors);
    const origin = doc.locate(at);
    const field = fieldPath(at) || undefined;
    if (validate === "strict")
      return {
        type: "rejected",
        diagnostics: [{ severity: "error", message: `${message}; document skipped`, origin, field }],
      };
    diagnostics.push({
      severity: "warning",
      message: `${message}; analysed as written`,
      origin,
      field,
      analysedAsWritten: true,
    });
  }

  if (info.namespaced) {
    object.metadata.namespace ??= options.defaultNamespace ?? "default";
  } else if (object.metadata.namespace !== undefined) {
    diagnostics.push({
      severity: "warning",
      message: `${kind} is cluster-scoped; metadata.namespace ${JSON.stringify(object.metadata.namespace)} is ignored, as the API server ignores it`,
      origin: doc.locate(["metadata", "namespace"]),
      field: "metadata.namespace",
    });
    delete object.metadata.namespace;
  }
  const typed = setOrigin(object as unknown as KubeObject, doc.origin);
  return { type: "object", object: typed, diagnostics };
}

/** A document skipped: the error at the field `path` of `doc`. */
function reject(doc: RawDocument, message: string, path: Path = []): Admission {
  return {
    type: "rejected",
    diagnostics: [
      {
        severity: "error",
        message: `${message}; document skipped`,
        origin: doc.locate(path),
        field: fieldPath(path) || undefined,
      },
    ],
  };
}

/**
 * Spec validation per kind, beyond labels and selectors. A NetworkPolicy's spec is validated where it is
 * compiled (src/network/policies.ts), so it joins here only when the labels already reject the object: then
 * the message names every error, as the API server's does. A kind validated in full adds a line here.
 */
const SPEC_VALIDATORS: ReadonlyMap<Kind, (object: KubeObject) => FieldError[]> = new Map([
  ["NetworkPolicy", (object: KubeObject) => validateNetworkPolicy(object as NetworkPolicyObject).errors],
]);

/** The API server's validation errors for an object of the right shape, in its order. */
function apiServerErrors(object: KubeObject, version: KubeVersion): FieldError[] {
  const errors = labelErrors(object, version);
  const spec = SPEC_VALIDATORS.get(object.kind);
  if (errors.length > 0 && spec) errors.push(...spec(object));
  return errors;
}

/**
 * Groups only Kubernetes itself serves: the core group (`v1`), dotless ones (`apps`, `batch`) and
 * `*.k8s.io`. A CustomResourceDefinition's group must contain a dot and `*.k8s.io` needs API approval, so a
 * built-in kind under any other group may be someone's custom resource of the same name.
 */
function builtInGroup(apiVersion: string): boolean {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return true;
  const group = apiVersion.slice(0, slash);
  return !group.includes(".") || group.endsWith(".k8s.io");
}

function acceptsVersion(info: KindInfo, apiVersion: string): boolean {
  return (
    apiVersion === apiVersionOf(info) ||
    info.deprecatedVersions.includes(apiVersion) ||
    (info.equivalentVersions ?? []).includes(apiVersion)
  );
}

/**
 * Required fields whose absence the analysis can live with: the API server rejects the object, but every
 * engine reads the rest of it the same way (a container is known by its index, a port without a number
 * matches nothing, an owner is found by kind and name).
 */
const CONTAINER_LISTS = /^(containers|initContainers|ephemeralContainers)$/;

const ANALYSABLE_MISSING: readonly { parent: RegExp; field: string; detail: string }[] = [
  { parent: CONTAINER_LISTS, field: "name", detail: "" },
  { parent: /^ports$/, field: "containerPort", detail: "" },
  { parent: /^ownerReferences$/, field: "uid", detail: "must not be empty" },
];

function analysable(problem: Problem): boolean {
  return analysableMissing(problem) !== undefined;
}

function analysableMissing(problem: Problem): (typeof ANALYSABLE_MISSING)[number] | undefined {
  const { path, required } = problem;
  if (required === undefined || typeof path.at(-1) !== "number") return undefined;
  const parent = String(path.at(-2));
  // Container ports only: a Service port without `port` is not analysable.
  if (parent === "ports" && !CONTAINER_LISTS.test(String(path.at(-4)))) return undefined;
  return ANALYSABLE_MISSING.find((a) => a.parent.test(parent) && a.field === required);
}

/** Sets the field at `path` of `object` (a copy of the document), copying what is on the way: the document stays as read. */
function setAt(object: Record<string, unknown>, path: Path, value: unknown): void {
  let parent = object as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) {
    const child = parent[segment];
    const copy = Array.isArray(child) ? [...child] : { ...(child as object) };
    parent[segment] = copy;
    parent = copy as Record<string | number, unknown>;
  }
  parent[path.at(-1)!] = value;
}

/** The API server's field.Required for a missing field the analysis can do without. */
function missingField(problem: Problem): FieldError {
  const path = [...problem.path, problem.required!];
  return { ...fieldRequired(fieldPath(path), analysableMissing(problem)!.detail), at: problem.path };
}

/**
 * The server's Duplicate errors that nameless containers bring along: two regular containers without a
 * name share the name "" (validateContainers checks names unique within spec.containers).
 */
function duplicateContainerNames(object: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (spec: unknown, path: Path) => {
    const containers = (spec as { containers?: unknown } | undefined)?.containers;
    if (!Array.isArray(containers)) return;
    const seen = new Set<string>();
    containers.forEach((c: { name?: unknown }, i) => {
      const name = typeof c?.name === "string" ? c.name : "";
      const at = [...path, "containers", i];
      if (seen.has(name))
        errors.push({
          field: `${fieldPath(at)}.name`,
          message: `${fieldPath(at)}.name: Duplicate value: ${goQuote(name)}`,
          at,
        });
      else seen.add(name);
    });
  };
  const spec = object.spec as Record<string, unknown> | undefined;
  if (object.kind === "Pod") visit(spec, ["spec"]);
  const template = (spec?.template as Record<string, unknown> | undefined)?.spec;
  if (template) visit(template, ["spec", "template", "spec"]);
  const job = (spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template
    ?.spec;
  if (job) visit(job, ["spec", "jobTemplate", "spec", "template", "spec"]);
  return errors;
}

/**
 * Field errors in the order the API server's validation finds them: object metadata (labels before owner
 * references), then the spec, whose containers come before init and ephemeral containers and, within one
 * container, its name before its ports. Errors the server finds in the same place keep their order.
 */
function inServerOrder(errors: FieldError[]): FieldError[] {
  const rank = (e: FieldError): number[] => {
    const f = e.field;
    if (f.startsWith("metadata."))
      return [0, f.startsWith("metadata.labels") ? 0 : f.startsWith("metadata.annotations") ? 1 : 2];
    const container = /(containers|initContainers|ephemeralContainers)\[(\d+)\]\.(\w+)/.exec(f);
    if (!container) return [1];
    const list = ["containers", "initContainers", "ephemeralContainers"].indexOf(container[1]!);
    return [2, list, Number(container[2]), container[3] === "name" ? 0 : 1];
  };
  const compare = (a: number[], b: number[]) => {
    for (let k = 0; k < Math.max(a.length, b.length); k++)
      if ((a[k] ?? 0) !== (b[k] ?? 0)) return (a[k] ?? 0) - (b[k] ?? 0);
    return 0;
  };
  return errors
    .map((e, index) => ({ e, index, key: rank(e) }))
    .sort((x, y) => compare(x.key, y.key) || x.index - y.index)
    .map((x) => x.e);
}

interface Problem {
  path: Path;
  message: string;
  /** The missing field, for a `required` error. */
  required?: string;
}

/** ajv errors from kubernetes-models' ValidationError → field paths and messages. */
function validationProblems(error: unknown, object: unknown): Problem[] | undefined {
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return undefined;
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors as {
    instancePath?: string;
    message?: string;
    keyword?: string;
    params?: Record<string, unknown>;
  }[]) {
    const path: (string | number)[] = (e.instancePath ?? "")
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let message = e.message ?? "is invalid";
    let required: string | undefined;
    if (e.keyword === "required" && typeof e.params?.missingProperty === "string") {
      required = e.params.missingProperty;
      message = `is missing required field ${JSON.stringify(required)}`;
    } else if (e.keyword === "type") {
      message = `${message.replace(/^must be/, "must be")} (got ${describeType(valueAt(path))})`;
    }
    const key = `${fieldPath(path)} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(required === undefined ? { path, message } : { path, message, required });
  }
  return problems.length > 0 ? problems : [{ path: [], message: "is invalid" }];

  function valueAt(path: Path): unknown {
    let value: unknown = object;
    for (const segment of path) value = (value as Record<string | number, unknown> | undefined)?.[segment];
    return value;
  }
}

/** `spec.containers[0].ports[0].containerPort` */
export function fieldPath(path: Path): string {
  let out = "";
  for (const segment of path)
    out += typeof segment === "number" ? `[${segment}]` : out ? `.${segment}` : segment;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `a ${typeof value}`;
}
