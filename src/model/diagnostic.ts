import type { Origin } from "./origin.js";

/** A problem with the input: never fatal, always reported, so nothing disappears silently. */
export interface Diagnostic {
  severity: "error" | "warning" | "info";
  message: string;
  origin?: Origin;
  /** JSON path of the offending field inside the document, e.g. `spec.containers[0].ports[0].containerPort`. */
  field?: string;
}
