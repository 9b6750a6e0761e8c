/**
 * A small client for a Kubernetes API server, as kubectl finds and authenticates to one: the current
 * context of a kubeconfig (`--kubeconfig`, else $KUBECONFIG, else ~/.kube/config, else in-cluster;
 * `--context` picks another), with @kubernetes/client-node's credential handling (tokens, client
 * certificates, exec plugins, proxies) applied to plain node https requests. JSON in, JSON out.
 *
 * Used by the live source (GET only) and by `kubefence verify` (dry-run writes as each tenant, with
 * Impersonate-User / Impersonate-Group headers). Failures to reach or authenticate to the server are
 * LiveErrors worded as kubectl words them; every other answer (403, 404, 409, 422…) is returned as is.
 */
import { existsSync } from "node:fs";
import {
  type Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from "node:https";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "./manifests.js";

export interface KubeClientOptions {
  kubeconfig?: string;
  context?: string;
  /** Per-request timeout in milliseconds; default 30 000. */
  timeoutMs?: number;
  /** Appended to the "no kubeconfig" error: what else the command could read instead of a cluster. */
  noKubeconfigHint?: string;
  /**
   * Keep connections open between requests, for a burst of them (the live source's lists): each request then
   * costs no new TCP connection and TLS handshake, on either side. Off by default (a long-running caller's idle
   * connection may be closed by the server as it is reused). Only for a direct connection: a proxy's agent is
   * used as the kubeconfig makes it.
   */
  keepAlive?: boolean;
}

export interface KubeResponse {
  status: number;
  /** The parsed JSON body (a Kubernetes object or Status), or the text when the server sent no JSON. */
  body: unknown;
  /**
   * True when the JSON text holds no `null` anywhere, so neither does `body`: admission then need not walk the
   * objects for one (API servers since 1.33 write none).
   */
  nullFree?: boolean;
}

/** Extra request headers; a repeated header (Impersonate-Group) takes a list. */
export type KubeHeaders = Record<string, string | string[]>;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface KubeClient {
  /** The server URL without a trailing slash, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** The kubeconfig context in use. */
  contextName: string;
  /** The context's namespace (`default` when it names none), as kubectl picks it. */
  namespace: string;
  /**
   * One request. A body is sent as JSON: `application/json`, or for PATCH `application/merge-patch+json`
   * unless `headers` names another Content-Type (see PATCH_CONTENT_TYPES).
   */
  request(method: HttpMethod, path: string, body?: unknown, headers?: KubeHeaders): Promise<KubeResponse>;
  /** The loaded kubeconfig, context applied (for @kubernetes/client-node's watches). */
  kubeConfig?: KubeConfig;
}

/** The patch types the API server accepts, by Content-Type. */
export const PATCH_CONTENT_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
} as const;

/** The cluster cannot be read at all (unreachable, bad credentials, no kubeconfig): exit code 2. */
export class LiveError extends InputError {}

const DEFAULT_TIMEOUT_MS = 30_000;
const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export async function connect(options: KubeClientOptions): Promise<KubeClient> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  loadKubeConfig(kc, options.kubeconfig, options.noKubeconfigHint ?? "");
  if (options.context) {
    if (!kc.getContextObject(options.context))
      throw new LiveError(`context "${options.context}" does not exist in the kubeconfig`);
    kc.setCurrentContext(options.context);
  }
  const contextName = kc.getCurrentContext();
  if (!contextName) throw new LiveError("the kubeconfig has no current context; pass --context NAME");
  const context = kc.getContextObject(contextName);
  if (!context) throw new LiveError(`context "${contextName}" does not exist in the kubeconfig`);
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new LiveError(
      `context "${contextName}" names cluster "${context.cluster}", which the kubeconfig does not define`,
    );

  const base: RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
  try {
    await kc.applyToHTTPSOptions(base);
  } catch (error) {
    throw new LiveError(`cannot use the credentials of context "${contextName}": ${messageOf(error)}`);
  }
  // client-node's agent for a direct https connection is a plain https.Agent (a proxy's is a subclass): the same
  // TLS options, with keep-alive.
  if (options.keepAlive && base.agent?.constructor === HttpsAgent)
    base.agent = new HttpsAgent({
      ...(base.agent as HttpsAgent & { options: object }).options,
      keepAlive: true,
    });
  const server = cluster.server.replace(/\/+$/, "");
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    server,
    contextName,
    namespace: context.namespace || "default",
    kubeConfig: kc,
    request: (method, path, body, headers) =>
      send({ server, method, path, body, headers, base, timeout, contextName }),
  };
}

/** kubectl's order: --kubeconfig, then $KUBECONFIG (the files that exist, merged), then ~/.kube/config, then in-cluster. */
function loadKubeConfig(kc: KubeConfig, explicit: string | undefined, hint: string): void {
  const read = (into: KubeConfig, path: string): KubeConfig => {
    try {
      into.loadFromFile(path);
    } catch (error) {
      throw new LiveError(`cannot read kubeconfig "${path}": ${messageOf(error)}`);
    }
    return into;
  };
  if (explicit) {
    if (!existsSync(explicit)) throw new LiveError(`the kubeconfig "${explicit}" does not exist`);
    read(kc, explicit);
    return;
  }
  const fromEnv = (process.env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    const [first, ...rest] = fromEnv.filter((path) => existsSync(path));
    if (first === undefined)
      throw new LiveError(`none of the kubeconfig files in KUBECONFIG exist (${fromEnv.join(delimiter)})`);
    read(kc, first);
    const Config = kc.constructor as new () => KubeConfig;
    for (const path of rest) kc.mergeConfig(read(new Config(), path), true);
    return;
  }
  const home = join(homedir(), ".kube", "config");
  if (existsSync(home)) read(kc, home);
  else if (existsSync(SERVICE_ACCOUNT_TOKEN) && process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else
    throw new LiveError(
      `no kubeconfig: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config to read a live cluster${hint}`,
    );
}

interface Send {
  server: string;
  method: HttpMethod;
  path: string;
  body: unknown;
  headers: KubeHeaders | undefined;
  base: RequestOptions;
  timeout: number;
  contextName: string;
}

function send({
  server,
  method,
  path,
  body,
  headers,
  base,
  timeout,
  contextName,
}: Send): Promise<KubeResponse> {
  const url = new URL(server + path);
  const transport = url.protocol === "http:" ? httpRequest : httpsRequest;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  // connect() built base.headers as an object (Accept, plus Authorization from the kubeconfig).
  const allHeaders: OutgoingHttpHeaders = { ...(base.headers as OutgoingHttpHeaders) };
  if (payload !== undefined) {
    allHeaders["Content-Type"] = method === "PATCH" ? PATCH_CONTENT_TYPES.merge : "application/json";
    allHeaders["Content-Length"] = Buffer.byteLength(payload);
  }
  for (const [name, value] of Object.entries(headers ?? {})) {
    // Header names are case-insensitive: the caller's replaces ours whatever its case.
    for (const existing of Object.keys(allHeaders)) {
      // prototype-safe: header names come from kubefence's own callers, not from the cluster
      if (existing.toLowerCase() === name.toLowerCase()) delete allHeaders[existing];
    }
    // prototype-safe: header names come from kubefence's own callers, not from the cluster
    allHeaders[name] = value;
  }
  return new Promise((resolve, reject) => {
    const req = transport(
      url,
      { ...base, method, headers: allHeaders, agent: base.agent as Agent | undefined, timeout },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => reject(unreachable(url, error)));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          if (status === 401)
            return reject(
              new LiveError(
                `You must be logged in to the server (Unauthorized): the credentials of context "${contextName}" were rejected by ${server}`,
              ),
            );
          const body = parseBody(text, res.headers);
          resolve(body === text ? { status, body } : { status, body, nullFree: !text.includes("null") });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeout / 1000}s`)));
    req.on("error", (error) => reject(unreachable(url, error)));
    req.end(payload);
  });
}

function parseBody(text: string, headers: IncomingHttpHeaders): unknown {
  if (!(headers["content-type"] ?? "").includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** kubectl's wording for the usual ways a server cannot be reached. */
function unreachable(url: URL, error: Error): LiveError {
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED")
    return new LiveError(
      `The connection to the server ${url.host} was refused - did you specify the right host or port?`,
    );
  return new LiveError(`Unable to connect to the server ${url.host}: ${error.message}`);
}

/** The message of a Kubernetes Status body, or a short form of whatever came back. */
export function statusMessage(body: unknown): string {
  if (isRecord(body) && typeof body.message === "string") return body.message;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
