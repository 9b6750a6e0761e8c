/**
 * The admission shape check for the cluster-scoped network policies (custom resources, so no generated
 * model): `spec` is required and an object, as their CRDs' schemas say. Everything inside the spec is
 * validated, in the CRD's words, where it is compiled (src/network/cluster-policies.ts), as NetworkPolicy is.
 * Errors are thrown in ajv's shape, which admit() reads for every kind.
 */
export class ClusterPolicyShape {
  constructor(private readonly data: { spec?: unknown }) {}

  validate(): void {
    const spec = this.data.spec;
    if (spec === undefined)
      throw { errors: [{ instancePath: "", keyword: "required", params: { missingProperty: "spec" } }] };
    if (typeof spec !== "object" || spec === null || Array.isArray(spec))
      throw {
        errors: [
          { instancePath: "/spec", keyword: "type", message: "must be object", params: { type: "object" } },
        ],
      };
  }
}
