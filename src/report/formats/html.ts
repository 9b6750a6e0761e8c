/** `-o html`: one self-contained page. */
import type { AuditFormat } from "../format.js";
import { renderHtml } from "../html.js";

export const html: AuditFormat = {
  name: "html",
  summary:
    "one self-contained file (no network access): heat-map, click a cell for its evidence, filterable findings",
  write: (report, _output, write) => write(renderHtml(report)),
};
