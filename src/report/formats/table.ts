/** `-o table` (the default): for people. */
import { renderAuditText } from "../audit-text.js";
import type { AuditFormat } from "../format.js";

export const table: AuditFormat = {
  name: "table",
  summary: "people: summary per plane, the matrix (a breach list beyond 12 tenants), findings by severity",
  write: (report, output, write) => write(renderAuditText(report, { colors: output.colors, ...output.text })),
};
