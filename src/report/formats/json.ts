/** `-o json`: the AuditReport document, streamed. */
import { writeAuditDocument } from "../audit-document.js";
import type { AuditFormat } from "../format.js";

export const json: AuditFormat = {
  name: "json",
  summary: "tools: the AuditReport, plus `load` (objects per kind, input problems)",
  write: (report, output, write) => writeAuditDocument(report, { load: output.load }, "json", write),
};
