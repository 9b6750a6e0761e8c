/** `-o sarif`: code scanning. */
import type { AuditFormat } from "../format.js";
import { renderSarif } from "../sarif.js";

export const sarif: AuditFormat = {
  name: "sarif",
  summary: "code scanning: SARIF 2.1.0, one result per finding, on the manifest's file and line",
  write: (report, output, write) =>
    write(renderSarif(report.findings, { version: output.version, baseDir: output.baseDir })),
};
