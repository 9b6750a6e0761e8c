import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Guardrail } from "../../src/webhook/guardrail.js";
import { ALLOW } from "../../src/webhook/guardrail.js";
import { GUARDRAILS } from "../../src/webhook/guardrails/index.js";
import { LogSampler } from "../../src/webhook/log-sampler.js";
import { validatingWebhookConfiguration } from "../../src/webhook/manifests.js";
import { type LogEntry, startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";
import { makeCertificates, type TestCertificates } from "./certs.js";
import { call, type Reply } from "./client.js";
import type { FloodReply } from "./flood-client.js";
import { fixtureContext, pod, request } from "./helpers.js";

const review = (object: Record<string, unknown>, uid: string) =>
  JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: { ...request({ object }), uid },
  });

/** The API server gives up on the webhook after the registration's timeoutSeconds. */
const TIMEOUT_MS =
  (
    validatingWebhookConfiguration({ namespace: "x", clientConfig: {} }) as {
      webhooks: { timeoutSeconds: number }[];
    }
  ).webhooks[0]!.timeoutSeconds * 1000;

/** A review that costs 10 ms of CPU: 256 of them are more work than the 1 s wait allowed below. */
const slow: Guardrail = {
  id: "slow",
  summary: "burns 10 ms per pod",
  kinds: ["Pod"],
  operations: ["CREATE"],
  check() {
    const until = performance.now() + 10;
    while (performance.now() < until);
    return ALLOW;
  },
};

describe("webhook server under load", () => {
  let certs: TestCertificates;
  let server: WebhookServer | undefined;
  const logs: LogEntry[] = [];
  const context = fixtureContext();
  const start = async (extra: Parameters<typeof startWebhookServer>[0]["load"] = {}) => {
    certs = makeCertificates();
    server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      context: () => context,
      guardrails: [...GUARDRAILS, slow],
      log: (entry) => logs.push(entry),
      load: { perClient: 32, global: 64, maxWaitMs: 1_000, ...extra },
    });
    return server;
  };
  afterEach(async () => {
    await server?.close();
    server = undefined;
    logs.length = 0;
    rmSync(certs.dir, { recursive: true, force: true });
  });
  /** `count` concurrent reviews from another process (as the API server is), each with the API server's timeout. */
  const flood = (s: WebhookServer, count: number, prefix: string, localAddress?: string) =>
    new Promise<FloodReply[]>((resolve, reject) => {
      const client = new URL("./flood-client.ts", import.meta.url).pathname;
      const args = ["--import", "tsx", client, s.url, certs.caFile, String(count), String(TIMEOUT_MS)];
      const child = spawn(process.execPath, localAddress ? [...args, localAddress] : args, {
        stdio: ["pipe", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString("utf8");
      });
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`flood client exited ${code}`)),
      );
      child.stdin.end(review(pod("team-a", {}, `${prefix}-@I@`), `${prefix}-@I@`));
    });
  const shedTotal = (metrics: string) =>
    [...metrics.matchAll(/^kubefence_webhook_shed_total\{reason="[a-z-]+"\} (\d+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );

  it("answers 256 concurrent reviews from one client within the API server's timeout: some 429 with Retry-After, the rest reviewed", async () => {
    const s = await start();
    const replies = await flood(s, 256, "burst");
    const shed = replies.filter((r) => r.status === 429);
    const reviewed = replies.filter((r) => r.status === 200);
    // Nothing timed out or failed: every request got a 200 or a 429 within the timeout.
    expect(replies.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    expect(shed.length + reviewed.length).toBe(256);
    expect(shed.length).toBeGreaterThan(0);
    expect(reviewed.length).toBeGreaterThan(0);
    for (const r of reviewed) expect(JSON.parse(r.body!).response.allowed).toBe(true);
    for (const r of shed) {
      expect(r.retryAfter).toBe("1");
      expect(JSON.parse(r.body!)).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "TooManyRequests",
        code: 429,
        details: { retryAfterSeconds: 1 },
      });
      expect(JSON.parse(r.body!).message).toMatch(/^Too many requests: kubefence webhook: /);
    }
    const metrics = (await call(s.url, certs.ca, "GET", "/metrics")).body;
    expect(shedTotal(metrics)).toBe(shed.length);
    expect(metrics).toMatch(/^kubefence_webhook_shed_total\{reason="client-limit"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^kubefence_webhook_in_flight 0$/m);
    const after = await call(s.url, certs.ca, "POST", "/validate", review(pod("team-a"), "after-burst"));
    expect(JSON.parse(after.body).response).toMatchObject({ uid: "after-burst", allowed: true });
    // Sheds are not logged one by one; the summary counts them.
    await s.close();
    const summary = logs.filter((l) => l.msg === "log summary");
    const counted = summary.reduce(
      (sum, l) => sum + Object.values(l.shed as Record<string, number>).reduce((a, b) => a + b, 0),
      0,
    );
    expect(counted).toBe(shed.length);
  });

  it("a flood from one client does not refuse another client's reviews", async () => {
    const s = await start();
    const attack = flood(s, 256, "attack", "127.0.0.2");
    // Send the legitimate reviews while the flood is being shed.
    for (let i = 0; i < 400; i++) {
      const metrics = (await call(s.url, certs.ca, "GET", "/metrics")).body;
      if (/^kubefence_webhook_shed_total\{reason="client-limit"\} [1-9]/m.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const legit: Reply[] = [];
    for (let i = 0; i < 8; i++)
      legit.push(
        await call(s.url, certs.ca, "POST", "/validate", review(pod("team-a"), `legit-${i}`), {
          timeoutMs: TIMEOUT_MS,
        }),
      );
    const attacked = await attack;
    expect(attacked.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    const shedMessages = attacked.filter((r) => r.status === 429).map((r) => JSON.parse(r.body!).message);
    // The flood hits its own cap; what it still queues may wait too long and be shed as well.
    expect(shedMessages.some((m) => m.includes("requests at once from 127.0.0.2 is reached"))).toBe(true);
    for (const m of shedMessages) expect(m).toMatch(/from 127\.0\.0\.2 is reached|review not started within/);
    for (const [i, r] of legit.entries())
      expect(JSON.parse(r.body).response).toMatchObject({ uid: `legit-${i}`, allowed: true });
  });

  it("logs every denial but allowed reviews only up to the per-second budget, with a summary of the rest", async () => {
    certs = makeCertificates();
    server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      context: () => context,
      log: (entry) => logs.push(entry),
      logPerSecond: 2,
    });
    const s = server;
    const allowed = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(s.url, certs.ca, "POST", "/validate", review(pod("team-a", {}, `ok${i}`), `ok-${i}`)),
      ),
    );
    const denied = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(s.url, certs.ca, "POST", "/validate", review(pod("team-a", { hostPID: true }), `deny-${i}`)),
      ),
    );
    expect([...allowed, ...denied].every((r) => r.status === 200)).toBe(true);
    await s.close();
    const reviews = logs.filter((l) => l.msg === "review");
    for (let i = 0; i < 5; i++)
      expect(reviews.find((l) => l.uid === `deny-${i}`)).toMatchObject({ level: "info", allowed: false });
    const loggedAllowed = reviews.filter((l) => l.allowed === true).length;
    const notLogged = logs
      .filter((l) => l.msg === "log summary")
      .reduce((sum, l) => sum + ((l.notLogged as Record<string, number>).review ?? 0), 0);
    expect(notLogged).toBeGreaterThan(0);
    expect(loggedAllowed + notLogged).toBe(20);
  });
});

describe("log sampler", () => {
  it("writes denials always, routine entries up to N per second, and one summary of the rest", () => {
    let now = 0;
    const out: LogEntry[] = [];
    const sampler = new LogSampler(
      (e) => out.push(e),
      3,
      () => now,
    );
    for (let i = 0; i < 10; i++) sampler.sampled({ level: "info", msg: "review", i });
    sampler.always({ level: "info", msg: "review", allowed: false });
    sampler.countShed("client-limit");
    sampler.countShed("client-limit");
    expect(out.map((e) => e.i)).toEqual([0, 1, 2, undefined]);
    now = 999;
    sampler.sampled({ level: "info", msg: "review", i: 10 });
    now = 1_000;
    sampler.sampled({ level: "info", msg: "review", i: 11 });
    expect(out.at(-1)).toMatchObject({ i: 11 });
    now = 10_000;
    sampler.flush();
    expect(out.at(-1)).toEqual({
      level: "info",
      msg: "log summary",
      seconds: 10,
      notLogged: { review: 8 },
      shed: { "client-limit": 2 },
    });
    const before = out.length;
    sampler.flush();
    expect(out.length).toBe(before);
  });
});
