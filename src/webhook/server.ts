/**
 * The HTTPS server the API server calls: POST /validate with an AdmissionReview, plus /healthz, /readyz and
 * /metrics. Hostile or broken input gets a 4xx and a reason, never a crash: bodies over the API server's
 * own 3 MiB limit get 413, unparseable or malformed reviews 400, slow clients a 408 when the request
 * timeout passes. Shutdown stops accepting, fails /readyz, and drains the reviews in flight.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { AdmissionContext } from "./context.js";
import { admissionResponse, decide } from "./decide.js";
import type { Guardrail } from "./guardrail.js";
import { GUARDRAILS } from "./guardrails/index.js";
import { type WebhookMetrics, webhookMetrics } from "./metrics.js";
import { parseAdmissionReview, reviewResponse } from "./review.js";
import { readKeyPair, watchKeyPair } from "./tls.js";

/** The API server refuses to send larger objects (etcd's 1.5 MiB, JSON-encoded with headroom): 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type LogEntry = Record<string, unknown> & { level: "info" | "warn" | "error"; msg: string };

export interface WebhookServerOptions {
  /** Address to bind: 0.0.0.0 in a cluster, 127.0.0.1 in tests. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  certFile: string;
  keyFile: string;
  /** The current cluster view; undefined until the cache's first sync (not ready). */
  context: () => AdmissionContext | undefined;
  guardrails?: readonly Guardrail[];
  metrics?: WebhookMetrics;
  /** One JSON log entry per call (the CLI writes them to stderr as JSON lines). */
  log?: (entry: LogEntry) => void;
  maxBodyBytes?: number;
  /** A request (headers and body) must arrive within this time, or it gets 408. Default 10 s (the API server's maximum webhook timeout). */
  requestTimeoutMs?: number;
  /** How often the certificate files are checked for changes. Default 1 s. */
  certPollMs?: number;
  /** How long shutdown waits for reviews in flight. Default 25 s. */
  drainTimeoutMs?: number;
}

export interface WebhookServer {
  port: number;
  /** `https://HOST:PORT`. */
  url: string;
  metrics: WebhookMetrics;
  /** Stop accepting, fail /readyz, wait for reviews in flight (up to drainTimeoutMs), then close everything. */
  close(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const metrics = options.metrics ?? webhookMetrics();
  const log = options.log ?? (() => {});
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const guardrails = options.guardrails ?? GUARDRAILS;
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server: Server = createServer({
    ...readKeyPair(options.certFile, options.keyFile),
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 60_000),
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, requestTimeout / 2)),
    keepAliveTimeout: 30_000,
  });
  const stopWatching = watchKeyPair(
    options.certFile,
    options.keyFile,
    options.certPollMs ?? 1_000,
    (result) => {
      if (result.pair) {
        server.setSecureContext(result.pair);
        log({ level: "info", msg: "serving certificate reloaded", certFile: options.certFile });
      } else
        log({
          level: "warn",
          msg: "serving certificate not reloaded; keeping the previous one",
          error: result.error,
        });
    },
  );
  server.on("tlsClientError", (error) =>
    log({ level: "warn", msg: "TLS handshake failed", error: error.message }),
  );
  server.on("clientError", (error, socket) => {
    // Malformed HTTP, or the request timeout: answer if the socket still can, never throw.
    const code = (error as NodeJS.ErrnoException).code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    metrics.requests.inc({ path: "", code: String(code) });
    if (socket.writable && !socket.destroyed)
      socket.end(
        `HTTP/1.1 ${code} ${code === 408 ? "Request Timeout" : "Bad Request"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    else socket.destroy();
  });

  const send = (res: ServerResponse, path: string, code: number, body: string, type = "application/json") => {
    metrics.requests.inc({ path, code: String(code) });
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      "content-type": type,
      "content-length": Buffer.byteLength(body),
    };
    if (draining || code === 413) headers.connection = "close";
    res.writeHead(code, headers);
    res.end(body);
  };
  const failure = (res: ServerResponse, path: string, code: number, reason: string, message: string) =>
    send(
      res,
      path,
      code,
      JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message }),
    );

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "https://webhook").pathname;
    try {
      switch (path) {
        case "/healthz":
          return send(res, path, 200, "ok", "text/plain");
        case "/readyz": {
          const ready = !draining && options.context() !== undefined;
          return send(
            res,
            path,
            ready ? 200 : 503,
            ready ? "ok" : draining ? "shutting down" : "cache not synced",
            "text/plain",
          );
        }
        case "/metrics":
          return send(res, path, 200, metrics.render(), "text/plain; version=0.0.4");
        case "/validate":
          if (req.method !== "POST") return failure(res, path, 405, "MethodNotAllowed", "use POST");
          return validate(req, res);
        default:
          return failure(res, path, 404, "NotFound", `no handler for ${path}`);
      }
    } catch (error) {
      log({ level: "error", msg: "request failed", path, error: describe(error) });
      failure(res, path, 500, "InternalError", "internal error");
    }
  });

  const validate = (req: IncomingMessage, res: ServerResponse) => {
    const path = "/validate";
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBody) return tooLarge(req, res, declared);
    inFlight++;
    const finished = () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    };
    res.once("close", finished);
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on("data", (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > maxBody) {
        rejected = true;
        tooLarge(req, res, size);
      } else chunks.push(chunk);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (rejected) return;
      const started = performance.now();
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch (error) {
        log({ level: "warn", msg: "malformed review", reason: `body is not JSON: ${describe(error)}` });
        return failure(res, path, 400, "BadRequest", `body is not JSON: ${describe(error)}`);
      }
      const parsed = parseAdmissionReview(body);
      if (!parsed.ok) {
        log({ level: "warn", msg: "malformed review", reason: parsed.reason });
        return failure(res, path, 400, "BadRequest", `malformed AdmissionReview: ${parsed.reason}`);
      }
      const request = parsed.request;
      const context = options.context();
      if (!context) {
        log({ level: "warn", msg: "review refused: cache not synced", uid: request.uid });
        return failure(
          res,
          path,
          503,
          "ServiceUnavailable",
          "kubefence webhook: cluster cache not synced yet",
        );
      }
      let decision: ReturnType<typeof decide>;
      try {
        decision = decide(request, context, guardrails);
      } catch (error) {
        log({ level: "error", msg: "review failed", uid: request.uid, error: describe(error) });
        return failure(
          res,
          path,
          500,
          "InternalError",
          `kubefence webhook: internal error reviewing ${request.uid}`,
        );
      }
      send(res, path, 200, JSON.stringify(reviewResponse(admissionResponse(request.uid, decision))));
      const seconds = (performance.now() - started) / 1000;
      metrics.latency.observe(seconds);
      metrics.reviews.inc({
        kind: request.kind.kind,
        operation: request.operation,
        allowed: String(decision.allowed),
      });
      for (const outcome of decision.outcomes)
        metrics.decisions.inc({
          guardrail: outcome.id,
          mode: outcome.mode,
          result: outcome.allowed
            ? "allowed"
            : { enforce: "denied", warn: "warned", audit: "audited" }[outcome.mode],
        });
      log({
        level: "info",
        msg: "review",
        uid: request.uid,
        kind: request.kind.kind,
        operation: request.operation,
        namespace: request.namespace,
        name: request.name,
        user: request.userInfo.username,
        dryRun: request.dryRun || undefined,
        tenant: decision.tenant,
        allowed: decision.allowed,
        skipped: decision.skipped,
        violations: decision.outcomes
          .filter((o) => !o.allowed)
          .map((o) => ({ guardrail: o.id, mode: o.mode, message: o.message })),
        durationMs: Math.round(seconds * 1e6) / 1e3,
      });
    });
  };

  const tooLarge = (req: IncomingMessage, res: ServerResponse, size: number) => {
    log({ level: "warn", msg: "review refused: body too large", bytes: size, limit: maxBody });
    failure(res, "/validate", 413, "RequestEntityTooLarge", `request body larger than ${maxBody} bytes`);
    // Stop reading the rest: close the connection once the 413 is written.
    res.once("finish", () => req.destroy());
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => log({ level: "error", msg: "server error", error: error.message }));
  const port = (server.address() as AddressInfo).port;
  log({ level: "info", msg: "serving", address: `${options.host}:${port}` });

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `https://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    metrics,
    close() {
      closing ??= (async () => {
        draining = true;
        stopWatching();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          log({ level: "info", msg: "draining reviews in flight", inFlight });
          await Promise.race([
            new Promise<void>((resolve) => {
              drained = resolve;
            }),
            new Promise<void>((resolve) => setTimeout(resolve, options.drainTimeoutMs ?? 25_000).unref()),
          ]);
        }
        server.closeAllConnections();
        await stopped;
        log({ level: "info", msg: "stopped" });
      })();
      return closing;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
