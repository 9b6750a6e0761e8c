/**
 * Shape checks for the multi-tenancy platforms' custom resources (their CRDs' schemas, as far as kubefence
 * reads them), in the form admit() reads kubernetes-models' errors: ajv-style `instancePath` + `message`.
 * Fields kubefence does not read are not checked: the platform's own CRD validates them.
 */

type Shape =
  | "string"
  | "number"
  | "boolean"
  | { list: Shape }
  | { map: Shape }
  | { object: Readonly<Record<string, Shape>>; required?: readonly string[] };

interface ShapeError {
  instancePath: string;
  keyword: string;
  message: string;
  params?: Record<string, unknown>;
}

const META: Shape = { object: {} };

const TENANT: Shape = {
  object: {
    metadata: META,
    spec: {
      object: {
        owners: {
          list: {
            object: { kind: "string", name: "string", clusterRoles: { list: "string" } },
            required: ["kind", "name"],
          },
        },
        nodeSelector: { map: "string" },
        networkPolicies: { object: { items: { list: { object: {} } } } },
      },
    },
    status: { object: { state: "string", size: "number", namespaces: { list: "string" } } },
  },
};

const HIERARCHY: Shape = {
  object: {
    metadata: META,
    spec: { object: { parent: "string" } },
    status: { object: { children: { list: "string" } } },
  },
};

const ANCHOR: Shape = {
  object: { metadata: META, status: { object: { status: "string" } } },
};

function check(shape: Shape, value: unknown, path: string, out: ShapeError[]): void {
  if (value === undefined) return;
  const fail = (type: string) =>
    out.push({ instancePath: path, keyword: "type", message: `must be ${type}` });
  if (typeof shape === "string") {
    if (typeof value !== shape) fail(shape);
    return;
  }
  if ("list" in shape) {
    if (!Array.isArray(value)) {
      fail("array");
      return;
    }
    for (const [i, item] of value.entries()) check(shape.list, item, `${path}/${i}`, out);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("object");
    return;
  }
  const record = value as Record<string, unknown>;
  if ("map" in shape) {
    for (const [key, item] of Object.entries(record))
      check(shape.map, item, `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
    return;
  }
  for (const field of shape.required ?? [])
    if (record[field] === undefined)
      out.push({
        instancePath: path,
        keyword: "required",
        message: `must have required property '${field}'`,
        params: { missingProperty: field },
      });
  for (const [field, fieldShape] of Object.entries(shape.object))
    if (Object.hasOwn(record, field)) check(fieldShape, record[field], `${path}/${field}`, out);
}

/** A validator class as kubernetes-models has them: `new Model(data).validate()` throws `{ errors }`. */
function model(shape: Shape) {
  return class {
    constructor(private readonly data: unknown) {}
    validate(): void {
      const errors: ShapeError[] = [];
      check(shape, this.data, "", errors);
      if (errors.length > 0) throw Object.assign(new Error("invalid"), { errors });
    }
  };
}

export const Tenant = model(TENANT);
export const HierarchyConfiguration = model(HIERARCHY);
export const SubnamespaceAnchor = model(ANCHOR);
