/**
 * A load client in its own process, as the API server is: `COUNT` concurrent reviews, one connection each,
 * each given up after `TIMEOUT_MS` (the webhook's timeoutSeconds). Prints the replies as JSON.
 * Usage: node --import tsx flood-client.ts URL CA_FILE COUNT TIMEOUT_MS [LOCAL_ADDRESS] < body
 * ("@I@" in the body is replaced by the request's index).
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";

export interface FloodReply {
  status?: number;
  retryAfter?: string;
  body?: string;
  error?: string;
}

const [url, caFile, count, timeoutMs, localAddress] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
];
const ca = readFileSync(caFile, "utf8");
const template = readFileSync(0, "utf8");

const one = (i: number) =>
  new Promise<FloodReply>((resolve) => {
    const body = template.replaceAll("@I@", String(i));
    const req = request(
      new URL("/validate", url),
      {
        method: "POST",
        ca,
        agent: false,
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode,
            retryAfter: res.headers["retry-after"],
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)),
      Number(timeoutMs),
    );
    req.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error: error.message });
    });
    req.end(body);
  });

const replies = await Promise.all(Array.from({ length: Number(count) }, (_, i) => one(i)));
process.stdout.write(JSON.stringify(replies));
