/** A minimal HTTPS client for talking to the webhook in tests (trusting only the test CA). */
import { request as httpsRequest } from "node:https";
import { connect, type TLSSocket } from "node:tls";

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  /** Replaces the content-type header (undefined: application/json with a body, none without; null: none). */
  contentType?: string | null;
  /** Source address (127.0.0.2 acts as a second client on loopback). */
  localAddress?: string;
  /** Give up (reject with "timed out") after this long, as the API server does after timeoutSeconds. */
  timeoutMs?: number;
}

export function call(
  url: string,
  ca: string,
  method: string,
  path: string,
  body?: string | Buffer,
  options: CallOptions = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    const type =
      options.contentType === undefined && body !== undefined ? "application/json" : options.contentType;
    if (type) headers["content-type"] = type;
    if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            req.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
          }, options.timeoutMs);
    const req = httpsRequest(
      new URL(path, url),
      { method, ca, agent: false, headers, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            headers: res.headers,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A raw TLS connection, for clients that misbehave (slow bodies, half requests). */
export function rawConnection(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Everything the server sends until it closes the connection (or `ms` passes). */
export function readUntilClosed(socket: TLSSocket, ms = 10_000): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const timer = setTimeout(() => resolve(text), ms);
    socket.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

/**
 * Sends the request head and the whole body before reading anything (as curl and Go's client do), then
 * returns everything the server sent until it closed. A server that resets the connection instead of
 * reading the body makes the kernel drop its own response: the text comes back empty.
 */
export async function sendWholeBody(port: number, ca: string, head: string, body: Buffer): Promise<string> {
  const socket = await rawConnection(port, ca);
  const answer = readUntilClosed(socket);
  socket.write(head);
  const chunk = 1024 * 1024;
  for (let at = 0; at < body.length && !socket.destroyed && socket.writable; at += chunk)
    await new Promise<void>((resolve) => socket.write(body.subarray(at, at + chunk), () => resolve()));
  return answer;
}
