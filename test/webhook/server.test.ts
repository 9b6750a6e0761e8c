import { copyFileSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdmissionContext } from "../../src/webhook/context.js";
import { type LogEntry, startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";
import { makeCertificates, type TestCertificates } from "./certs.js";
import { call, rawConnection, readUntilClosed, sendWholeBody } from "./client.js";
import { fixtureContext, pod, request } from "./helpers.js";

const review = (object: Record<string, unknown>, uid = "review-1") => {
  const r = { ...request({ object }), uid };
  return JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: r });
};
const privileged = pod("team-a", { hostNetwork: true });

describe("webhook server", () => {
  let certs: TestCertificates;
  let server: WebhookServer;
  let ready = true;
  const context = fixtureContext();
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    certs = makeCertificates();
    server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      context: (): AdmissionContext | undefined => (ready ? context : undefined),
      log: (entry) => logs.push(entry),
      requestTimeoutMs: 1_000,
      certPollMs: 50,
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(certs.dir, { recursive: true, force: true });
  });
  const post = (body: string | Buffer) => call(server.url, certs.ca, "POST", "/validate", body);

  it("answers a review with the same uid and the guardrail's denial", async () => {
    const reply = await post(review(privileged, "abc-123"));
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body);
    expect(body).toMatchObject({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "abc-123", allowed: false, status: { code: 403, reason: "Forbidden" } },
    });
    expect(body.response.status.message).toContain(
      'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
    );
  });

  it("logs each review as JSON with its uid, tenant and violations", async () => {
    await post(review(privileged, "log-me"));
    const entry = logs.find((l) => l.uid === "log-me");
    expect(entry).toMatchObject({
      level: "info",
      msg: "review",
      kind: "Pod",
      operation: "CREATE",
      namespace: "team-a",
      tenant: "team-a",
      allowed: false,
    });
    expect(entry?.violations).toEqual([
      expect.objectContaining({ guardrail: "pod-security", mode: "enforce" }),
    ]);
    expect(() => JSON.stringify(entry)).not.toThrow();
  });

  it.each([
    ["garbage", "}{ not json", /body is not JSON/],
    ["a JSON list", "[1,2]", /body is not a JSON object/],
    [
      "a wrong apiVersion",
      JSON.stringify({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", request: {} }),
      /apiVersion must be "admission.k8s.io\/v1" \(got "admission.k8s.io\/v1beta1"\)/,
    ],
    [
      "a missing request",
      JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }),
      /request is missing/,
    ],
    [
      "a request without uid",
      JSON.stringify({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: { operation: "CREATE" },
      }),
      /request.uid/,
    ],
  ])("answers %s with 400 and a reason", async (_, body, reason) => {
    const reply = await post(body);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({ kind: "Status", code: 400, reason: "BadRequest" });
    expect(JSON.parse(reply.body).message).toMatch(reason);
    expect((await post(review(pod("team-a"), "after-bad"))).status).toBe(200);
  });

  it("answers a 10 MB body announced by Content-Length with a 413 Status the client reads before the connection closes", async () => {
    const size = 10 * 1024 * 1024;
    const head = `POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
    for (let i = 0; i < 3; i++) {
      const text = await sendWholeBody(server.port, certs.ca, head, Buffer.alloc(size, 0x20));
      expect(text).toMatch(/^HTTP\/1.1 413 Payload Too Large\r\n/);
      expect(text).toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Request entity too large: limit is 3145728",
        reason: "RequestEntityTooLarge",
        code: 413,
      });
    }
    const reply = await post(Buffer.alloc(size, 0x20));
    expect(reply.status).toBe(413);
    const next = await post(review(pod("team-a"), "after-huge"));
    expect(JSON.parse(next.body).response).toMatchObject({ uid: "after-huge", allowed: true });
  });

  it("refuses a body that grows past 3 MiB without announcing its length", async () => {
    const socket = await rawConnection(server.port, certs.ca);
    const answer = readUntilClosed(socket);
    socket.write(
      "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 4 && !socket.destroyed; i++)
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1.1 413 /);
    expect(text).toContain('"reason":"RequestEntityTooLarge"');
    expect((await post(review(pod("team-a"), "after-chunked"))).status).toBe(200);
  });

  it.each([
    ["text/plain", "text/plain"],
    ["no Content-Type", null],
    ["application/yaml", "application/yaml"],
  ])("refuses a review sent as %s with 415 and a Status", async (_, contentType) => {
    const reply = await call(server.url, certs.ca, "POST", "/validate", review(privileged, "typed"), {
      contentType,
    });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body)).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `the body of the request was in an unknown format - accepted media types include: application/json (got Content-Type ${JSON.stringify(contentType ?? "")})`,
      reason: "UnsupportedMediaType",
      code: 415,
    });
  });

  it("takes application/json with a charset parameter", async () => {
    const reply = await call(server.url, certs.ca, "POST", "/validate", review(pod("team-a"), "charset"), {
      contentType: "Application/JSON; charset=utf-8",
    });
    expect(JSON.parse(reply.body).response).toMatchObject({ uid: "charset", allowed: true });
  });

  it("times out a slow client with 408 while answering others", async () => {
    const socket = await rawConnection(server.port, certs.ca);
    const answer = readUntilClosed(socket);
    socket.write(
      'POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":',
    );
    const meanwhile = await post(review(pod("team-a"), "while-slow"));
    expect(JSON.parse(meanwhile.body).response.uid).toBe("while-slow");
    expect(await answer).toMatch(/^HTTP\/1.1 408 /);
  });

  it("counts dropped connections apart from HTTP statuses: failed TLS handshakes, connections without a request", async () => {
    const metric = async (line: RegExp) => {
      const text = (await call(server.url, certs.ca, "GET", "/metrics")).body;
      return Number(line.exec(text)?.[1] ?? 0);
    };
    const handshakes = /^kubefence_webhook_tls_handshake_errors_total (\d+)$/m;
    const closed = /^kubefence_webhook_connections_without_request_total\{reason="closed"\} (\d+)$/m;
    const timedOut = /^kubefence_webhook_connections_without_request_total\{reason="timeout"\} (\d+)$/m;
    const statusless = /^kubefence_webhook_http_requests_total\{path="",code="(?:400|408)"\} (\d+)$/m;
    const before = {
      handshakes: await metric(handshakes),
      closed: await metric(closed),
      timedOut: await metric(timedOut),
      statusless: await metric(statusless),
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
    // A real TLS client that refuses the certificate (it trusts no CA here) and aborts the handshake.
    await new Promise<void>((resolve) => {
      const socket = tlsConnect({ host: "127.0.0.1", port: server.port, servername: "localhost" });
      socket.once("error", () => resolve());
      socket.once("secureConnect", () => socket.destroy(new Error("trusted a certificate it must not")));
    });
    // Half a ClientHello, then gone.
    await new Promise<void>((resolve) => {
      const socket = netConnect(server.port, "127.0.0.1", () => {
        socket.end(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x50, 0x01]));
        socket.once("close", () => resolve());
      });
    });
    // A handshake completed, then closed without a request; another left idle past the request timeout.
    const idle = await rawConnection(server.port, certs.ca);
    const idleAnswer = readUntilClosed(idle);
    const quiet = await rawConnection(server.port, certs.ca);
    quiet.end();
    expect(await idleAnswer).toBe("");
    await settle();
    expect(await metric(handshakes)).toBe(before.handshakes + 2);
    expect(await metric(closed)).toBe(before.closed + 1);
    expect(await metric(timedOut)).toBe(before.timedOut + 1);
    expect(await metric(statusless)).toBe(before.statusless);
  });

  it("serves /healthz, and /readyz only once the cache has synced", async () => {
    expect((await call(server.url, certs.ca, "GET", "/healthz")).status).toBe(200);
    expect((await call(server.url, certs.ca, "GET", "/readyz")).status).toBe(200);
    ready = false;
    try {
      const notReady = await call(server.url, certs.ca, "GET", "/readyz");
      expect(notReady).toMatchObject({ status: 503, body: "cache not synced" });
      expect((await post(review(pod("team-a")))).status).toBe(503);
    } finally {
      ready = true;
    }
  });

  it("answers wrong methods and unknown paths with 405 and 404", async () => {
    expect((await call(server.url, certs.ca, "GET", "/validate")).status).toBe(405);
    expect((await call(server.url, certs.ca, "GET", "/nope")).status).toBe(404);
  });

  it("exposes Prometheus metrics: requests, decisions by guardrail, a latency histogram", async () => {
    await post(review(privileged, "metrics"));
    const reply = await call(server.url, certs.ca, "GET", "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("text/plain; version=0.0.4");
    const text = reply.body;
    expect(text).toMatch(
      /^kubefence_webhook_reviews_total\{kind="Pod",operation="CREATE",allowed="false"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(
      /^kubefence_webhook_guardrail_decisions_total\{guardrail="pod-security",mode="enforce",result="denied"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^kubefence_webhook_http_requests_total\{path="\/validate",code="400"\} [1-9]\d*$/m);
    expect(text).toMatch(/^# TYPE kubefence_webhook_review_duration_seconds histogram$/m);
    const count = Number(/^kubefence_webhook_review_duration_seconds_count (\d+)$/m.exec(text)?.[1]);
    const inf = Number(
      /^kubefence_webhook_review_duration_seconds_bucket\{le="\+Inf"\} (\d+)$/m.exec(text)?.[1],
    );
    expect(count).toBeGreaterThan(0);
    expect(inf).toBe(count);
  });

  it("picks up a rotated certificate without a restart", async () => {
    const rotated = makeCertificates(certs.dir, "new-");
    // Replace key first, then cert: the half-rotated pair is refused and the old one kept meanwhile.
    copyFileSync(rotated.keyFile, certs.keyFile);
    copyFileSync(rotated.certFile, certs.certFile);
    let reply: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 200 && !reply; i++) {
      reply = await call(server.url, rotated.ca, "GET", "/healthz").catch(() => undefined);
      if (!reply) await new Promise((r) => setTimeout(r, 50));
    }
    expect(reply?.status).toBe(200);
    await expect(call(server.url, certs.ca, "GET", "/healthz")).rejects.toThrow();
    expect(logs.some((l) => l.msg === "serving certificate reloaded")).toBe(true);
    certs = { ...certs, ca: rotated.ca };
  });
});

describe("webhook server shutdown", () => {
  it("drains a review in flight, then refuses new connections", async () => {
    const certs = makeCertificates();
    const server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      context: () => fixtureContext(),
    });
    try {
      const body = review(pod("team-a"), "in-flight");
      const socket = await rawConnection(server.port, certs.ca);
      const answer = readUntilClosed(socket);
      socket.write(
        `POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      socket.write(body.slice(0, 20));
      await new Promise((r) => setTimeout(r, 100));
      const closed = server.close();
      await new Promise((r) => setTimeout(r, 100));
      socket.write(body.slice(20));
      await closed;
      const text = await answer;
      expect(text).toMatch(/^HTTP\/1.1 200 /);
      expect(text).toContain('"uid":"in-flight"');
      await expect(call(server.url, certs.ca, "GET", "/healthz")).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await server.close();
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });
  it("with a shutdown delay, keeps answering (Connection: close, /readyz failing) before it stops listening", async () => {
    const certs = makeCertificates();
    const server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      context: () => fixtureContext(),
      shutdownDelayMs: 400,
    });
    try {
      const closed = server.close();
      await new Promise((r) => setTimeout(r, 100));
      // New connections still come in (the Service may still send them) and get answers, each closing after it.
      const during = await call(server.url, certs.ca, "POST", "/validate", review(pod("team-a"), "late"));
      expect(during.status).toBe(200);
      expect(JSON.parse(during.body).response).toMatchObject({ uid: "late", allowed: true });
      expect(during.headers.connection).toBe("close");
      const ready = await call(server.url, certs.ca, "GET", "/readyz");
      expect(ready.status).toBe(503);
      await closed;
      await expect(call(server.url, certs.ca, "GET", "/healthz")).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await server.close();
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });
});
