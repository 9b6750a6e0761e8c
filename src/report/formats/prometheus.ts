/** `-o prometheus`: the audit as Prometheus metrics, for a node_exporter textfile collector or a Pushgateway. */
import type { AuditFormat } from "../format.js";
import { renderAuditMetrics } from "../metrics.js";

export const prometheus: AuditFormat = {
  name: "prometheus",
  summary:
    "monitoring: Prometheus text format — breaches per plane, findings by id, severity and acceptance, accepted risks by status (--metrics-pairs: a series per breaching tenant pair)",
  write: (report, output, write) => write(renderAuditMetrics(report, output.metrics)),
};
