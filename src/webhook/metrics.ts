/**
 * Prometheus metrics, written in the text exposition format (version 0.0.4) by hand: a few counters, a
 * gauge callback and one latency histogram are all the webhook needs.
 */

type Labels = Record<string, string>;

const escapeValue = (value: string) =>
  value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(",")}}`;
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, { value }] of this.values) lines.push(`${this.name}${key} ${value}`);
    return lines.join("\n");
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => { labels: Labels; value: number }[],
  ) {}
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const { labels, value } of this.read()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join("\n");
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((le, i) => {
      lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i]}`);
    });
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    );
    return lines.join("\n");
  }
}

export interface WebhookMetrics {
  requests: Counter;
  tlsHandshakeErrors: Counter;
  withoutRequest: Counter;
  decisions: Counter;
  reviews: Counter;
  shed: Counter;
  latency: Histogram;
  gauges: Gauge[];
  render(): string;
}

export function webhookMetrics(): WebhookMetrics {
  const metrics: WebhookMetrics = {
    requests: new Counter("kubefence_webhook_http_requests_total", "HTTP requests by path and status code."),
    // Not requests: a connection the client gave up on (as the API server does when it drops an idle or
    // unwanted one) has no status, and counting it as 400 or 408 would read as a failing webhook.
    tlsHandshakeErrors: new Counter(
      "kubefence_webhook_tls_handshake_errors_total",
      "TLS handshakes that did not complete (the client went away, refused the certificate or spoke no TLS).",
    ),
    withoutRequest: new Counter(
      "kubefence_webhook_connections_without_request_total",
      "TLS connections that ended before any request byte arrived, by reason (closed: by the client; timeout: closed by the webhook after the request timeout).",
    ),
    reviews: new Counter(
      "kubefence_webhook_reviews_total",
      "AdmissionReviews answered, by kind, operation and allowed.",
    ),
    shed: new Counter(
      "kubefence_webhook_shed_total",
      "/validate requests answered 429 to shed load, by reason (client-limit, global-limit, queue-wait).",
    ),
    decisions: new Counter(
      "kubefence_webhook_guardrail_decisions_total",
      "Guardrail results by guardrail, mode and result (allowed, denied, warned, audited).",
    ),
    latency: new Histogram(
      "kubefence_webhook_review_duration_seconds",
      "Time from a review's body being read to its response being written.",
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    gauges: [],
    render() {
      return `${[metrics.requests, metrics.tlsHandshakeErrors, metrics.withoutRequest, metrics.reviews, metrics.shed, metrics.decisions, metrics.latency, ...metrics.gauges].map((m) => m.render()).join("\n")}\n`;
    },
  };
  // An unlabelled counter starts at 0, so rate() has a first sample before the first failure.
  metrics.tlsHandshakeErrors.inc({}, 0);
  return metrics;
}
