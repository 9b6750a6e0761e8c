import type { Origin } from "./origin.js";

/** A problem with the input: never fatal, always reported, so nothing disappears silently. */
export interface Diagnostic {
  severity: "error" | "warning" | "info";
  message: string;
  origin?: Origin;
  /** JSON path of the offending field inside the document, e.g. `spec.containers[0].ports[0].containerPort`. */
  field?: string;
  /**
   * The API server would reject the document for this, but kubefence could analyse it as written
   * (`--validate=warn`): a missing container name, an invalid label value, … Counted in the load summary.
   */
  analysedAsWritten?: boolean;
}
