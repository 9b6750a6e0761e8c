/**
 * The HTTPS server the API server calls: POST /validate with an AdmissionReview, plus /healthz, /readyz and
 * /metrics. Hostile or broken input gets a 4xx and a reason, never a crash: bodies over the API server's
 * own 3 MiB limit get 413, a body that is not application/json 415, unparseable or malformed reviews 400,
 * slow clients a 408 when the request timeout passes, and overload 429 (load.ts). A connection that never
 * sends a request (a failed TLS handshake, or one closed or timed out before its first byte) gets no status:
 * it is counted apart (kubefence_webhook_tls_handshake_errors_total, _connections_without_request_total). Review logs are sampled
 * (log-sampler.ts). Shutdown stops accepting, fails /readyz, and drains the reviews in flight. The review
 * itself is a pure function (handle.ts); this is only its HTTP shell.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { AdmissionContext } from "./context.js";
import type { Guardrail } from "./guardrail.js";
import { GUARDRAILS } from "./guardrails/index.js";
import { handleReview, statusFailure } from "./handle.js";
import { DEFAULT_LOAD_LIMITS, LoadGate, type LoadLimits, ReviewQueue, type ShedReason } from "./load.js";
import { type LogEntry, LogSampler } from "./log-sampler.js";
import { Gauge, type WebhookMetrics, webhookMetrics } from "./metrics.js";
import { readKeyPair, watchKeyPair } from "./tls.js";

/** The API server refuses to send larger objects (etcd's 1.5 MiB, JSON-encoded with headroom): 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type { LogEntry };

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
  /**
   * How long shutdown keeps accepting before it stops listening, answering every request with
   * `Connection: close` and failing /readyz: the time the cluster takes to drop this pod from the Service
   * (kube-proxy still sends new connections here until then, which would be refused). Default 0.
   */
  shutdownDelayMs?: number;
  /** Per-client and global caps and the longest wait before a review is shed with 429 (load.ts). */
  load?: Partial<LoadLimits>;
  /** Allowed reviews (and other routine entries) logged per second; denials always are. Default 10. */
  logPerSecond?: number;
  /** How often the "log summary" line of what was not logged is written. Default 10 s. */
  logSummaryMs?: number;
}

/** Seconds the API server's webhook client waits before retrying a 429 (client-go honours Retry-After). */
const RETRY_AFTER_SECONDS = 1;

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
  const limits = { ...DEFAULT_LOAD_LIMITS, ...options.load };
  const gate = new LoadGate(limits);
  const queue = new ReviewQueue(limits.maxWaitMs);
  const sampler = new LogSampler(log, options.logPerSecond ?? 10);
  const summaryTimer = setInterval(() => sampler.flush(), options.logSummaryMs ?? 10_000).unref();
  metrics.gauges.push(
    new Gauge("kubefence_webhook_in_flight", "/validate requests being read, queued or reviewed.", () => [
      { labels: {}, value: gate.inFlight },
    ]),
  );
  // Sockets whose response went out before their request body was read: nothing more may be written to them.
  const answered = new WeakSet<Socket>();
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
  // A review's wait is counted from its connection's TCP accept (for a connection's first request), so
  // time spent in the TLS handshake while reviews hold the event loop counts against the API server's timeout.
  const accepted = new Map<string, number>();
  const served = new WeakSet<Socket>();
  const peer = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  server.on("connection", (socket: Socket) => {
    const key = peer(socket);
    accepted.set(key, performance.now());
    socket.once("close", () => accepted.delete(key));
  });
  const arrival = (socket: Socket): number => {
    const now = performance.now();
    if (served.has(socket)) return now;
    served.add(socket);
    return accepted.get(peer(socket)) ?? now;
  };
  server.on("tlsClientError", (error) => {
    metrics.tlsHandshakeErrors.inc();
    log({ level: "warn", msg: "TLS handshake failed", error: error.message });
  });
  // A connection that ends before its first request byte (bytesRead counts decrypted bytes) had no request:
  // counted apart, by whether the client closed it or the request timeout did.
  const timedOut = new WeakSet<Socket>();
  server.on("secureConnection", (socket: Socket) => {
    socket.once("close", () => {
      if (socket.bytesRead === 0)
        metrics.withoutRequest.inc({ reason: timedOut.has(socket) ? "timeout" : "closed" });
    });
  });
  server.on("clientError", (error, socket) => {
    // A response already went out (413, 415, 429 before the body was read): a late error only closes.
    if (answered.has(socket as Socket)) return socket.destroy();
    // No request ever arrived: nothing to answer, and no HTTP status to count.
    if ((socket as Socket).bytesRead === 0) {
      if ((error as NodeJS.ErrnoException).code === "ERR_HTTP_REQUEST_TIMEOUT")
        timedOut.add(socket as Socket);
      return socket.destroy();
    }
    // The client went away mid-request: nothing was answered, so nothing is counted.
    if ((error as NodeJS.ErrnoException).code === "ECONNRESET") return socket.destroy();
    // Malformed HTTP, or the request timeout: answer if the socket still can, never throw.
    const code = (error as NodeJS.ErrnoException).code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    metrics.requests.inc({ path: "", code: String(code) });
    if (socket.writable && !socket.destroyed)
      socket.end(
        `HTTP/1.1 ${code} ${code === 408 ? "Request Timeout" : "Bad Request"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    else socket.destroy();
  });

  const send = (
    res: ServerResponse,
    path: string,
    code: number,
    body: string,
    type = "application/json",
    extra: Record<string, string | number> = {},
  ) => {
    metrics.requests.inc({ path, code: String(code) });
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      "content-type": type,
      "content-length": Buffer.byteLength(body),
      ...extra,
    };
    if (draining || code === 413) headers.connection = "close";
    res.writeHead(code, headers);
    res.end(body);
  };
  const failure = (
    res: ServerResponse,
    path: string,
    code: number,
    reason: string,
    message: string,
    details?: Record<string, unknown>,
    extra?: Record<string, string | number>,
  ) => send(res, path, code, statusFailure(code, reason, message, details), "application/json", extra);
  /** Answered before the body was read (415, 429): the connection stays usable for the next request. */
  const early = (req: IncomingMessage, respond: () => void) => {
    if (!req.complete) {
      // The body is read and discarded after the response (up to the body limit), and the close lingers.
      lingerAfterResponse(req, maxBody, Math.min(requestTimeout, 5_000));
      answered.add(req.socket);
      req.once("end", () => answered.delete(req.socket));
    }
    respond();
  };
  const tooMany = (req: IncomingMessage, res: ServerResponse, why: ShedReason) => {
    metrics.shed.inc({ reason: why });
    sampler.countShed(why);
    const message = {
      "client-limit": `the limit of ${limits.perClient} requests at once from ${req.socket.remoteAddress} is reached`,
      "global-limit": `the limit of ${limits.global} requests at once is reached`,
      "queue-wait": `review not started within ${limits.maxWaitMs} ms`,
    }[why];
    early(req, () =>
      failure(
        res,
        "/validate",
        429,
        "TooManyRequests",
        `Too many requests: kubefence webhook: ${message}, please try again later`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
        { "retry-after": RETRY_AFTER_SECONDS },
      ),
    );
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const arrived = arrival(req.socket);
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
          return validate(req, res, arrived);
        default:
          return failure(res, path, 404, "NotFound", `no handler for ${path}`);
      }
    } catch (error) {
      log({ level: "error", msg: "request failed", path, error: describe(error) });
      failure(res, path, 500, "InternalError", "internal error");
    }
  });

  const validate = (req: IncomingMessage, res: ServerResponse, arrived: number) => {
    const path = "/validate";
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBody) return tooLarge(req, res, declared);
    if (!isJson(req.headers["content-type"]))
      return early(req, () =>
        failure(
          res,
          path,
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json (got Content-Type ${JSON.stringify(req.headers["content-type"] ?? "")})`,
        ),
      );
    const entered = gate.enter(req.socket.remoteAddress ?? "");
    if ("shed" in entered) return tooMany(req, res, entered.shed);
    inFlight++;
    const finished = () => {
      entered.release();
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
      queue.push({
        arrived,
        run: () => {
          // Off the request handler's stack now: an exception here would end the process.
          try {
            review(res, chunks);
          } catch (error) {
            log({ level: "error", msg: "request failed", path, error: describe(error) });
            failure(res, path, 500, "InternalError", "internal error");
          }
        },
        shed: () => tooMany(req, res, "queue-wait"),
      });
    });
  };

  const review = (res: ServerResponse, chunks: Buffer[]) => {
    const path = "/validate";
    if (res.destroyed) return; // the client gave up while queued
    const started = performance.now();
    const result = handleReview(Buffer.concat(chunks).toString("utf8"), options.context(), guardrails);
    if (result.type === "failed") {
      if (result.sampled) sampler.sampled(result.log);
      else log(result.log);
      return failure(res, path, result.code, result.reason, result.message);
    }
    const { request, decision } = result;
    send(res, path, 200, result.body);
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
    const entry = { ...result.log, durationMs: Math.round(seconds * 1e6) / 1e3 };
    if (result.always) sampler.always(entry);
    else sampler.sampled(entry);
  };

  const tooLarge = (req: IncomingMessage, res: ServerResponse, size: number) => {
    sampler.sampled({ level: "warn", msg: "review refused: body too large", bytes: size, limit: maxBody });
    lingerAfterResponse(req, maxBody * 4, Math.min(requestTimeout, 5_000));
    answered.add(req.socket);
    failure(res, "/validate", 413, "RequestEntityTooLarge", `Request entity too large: limit is ${maxBody}`);
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
        if (options.shutdownDelayMs) {
          log({
            level: "info",
            msg: "still serving until the Service drops this pod",
            delayMs: options.shutdownDelayMs,
          });
          await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
        }
        stopWatching();
        clearInterval(summaryTimer);
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
        sampler.flush();
        log({ level: "info", msg: "stopped" });
      })();
      return closing;
    },
  };
}

/** `application/json`, with parameters (charset) allowed, as the API server sends it. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/**
 * Node destroys a `connection: close` socket as soon as its response is written; if the client is still
 * sending the body, the kernel answers the unread bytes with a reset and the client may never read the
 * response. Instead: close our side after the response (the client reads it, then EOF), keep reading and
 * discarding what arrives, and destroy only when the client closes, after maxBytes, or after maxMs.
 */
function lingerAfterResponse(req: IncomingMessage, maxBytes: number, maxMs: number): void {
  const socket = req.socket;
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) socket.destroy();
  });
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), maxMs).unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
