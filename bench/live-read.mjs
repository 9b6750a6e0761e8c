// `node bench/live-read.mjs plain|live KUBECONFIG COLLECTIONS`: reads a live cluster once, in a process of its own,
// and prints `{"ms": …, "cpuMs": …, "objects": …, "bytes": …, "peakRssMB": …}`: wall and CPU time of the read
// alone (without the process's start), the whole process's peak RSS. For bench/live.bench.ts; plain node, no
// TypeScript loader, so that neither read pays for one, and kubefence's code is the build users run (dist/).
//
// - `plain`: what any client does to read the same objects: GET each of COLLECTIONS (comma-separated paths, the
//   kinds kubefence's live source lists on that server) across all namespaces, in pages of 500 (`limit` +
//   `continue`), 4 kinds at a time, over node's keep-alive global agent, `JSON.parse` of each page, the items
//   kept; nothing else.
// - `live`: kubefence's live source, `loadLive` (dist/sources/live.js), with its defaults (the same page size and
//   concurrency): the lists, then the same validation and defaulting as a manifest file.
import { readFileSync } from "node:fs";
import { globalAgent, request } from "node:https";

const PAGE_SIZE = 500;
const CONCURRENCY = 4;

/** The server, CA and bearer token of a test cluster's kubeconfig (as test/support/cluster.ts writes it). */
function readKubeconfig(path) {
  const text = readFileSync(path, "utf8");
  const field = (name) => {
    const match = new RegExp(`^\\s*${name}: (.+)$`, "m").exec(text);
    if (!match) throw new Error(`${path}: no ${name}`);
    return match[1].trim();
  };
  return { server: field("server"), ca: readFileSync(field("certificate-authority")), token: field("token") };
}

function get(config, path) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${config.server}${path}`,
      {
        agent: globalAgent,
        ca: config.ca,
        headers: { Authorization: `Bearer ${config.token}`, Accept: "application/json" },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function plainList(config, collections) {
  const pages = [];
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < collections.length) {
      const collection = collections[next++];
      let token = "";
      do {
        const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (token) query.set("continue", token);
        const answer = await get(config, `${collection}?${query}`);
        if (answer.status !== 200)
          throw new Error(`GET ${collection}: ${answer.status} ${answer.text.slice(0, 200)}`);
        bytes += answer.text.length;
        const page = JSON.parse(answer.text);
        pages.push(page.items);
        token = page.metadata?.continue ?? "";
      } while (token);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { objects: pages.reduce((n, items) => n + items.length, 0), bytes };
}

const [mode, kubeconfig, collections = ""] = process.argv.slice(2);
if ((mode !== "plain" && mode !== "live") || !kubeconfig)
  throw new Error("usage: node bench/live-read.mjs plain|live KUBECONFIG COLLECTIONS");
const config = mode === "plain" ? readKubeconfig(kubeconfig) : undefined;
const live = mode === "live" ? await import("../dist/sources/live.js") : undefined;
const { allObjects } = await import("../dist/model/snapshot.js");
const start = performance.now();
const cpuStart = process.cpuUsage();
let objects;
let bytes = 0;
let diagnostics = 0;
if (config) ({ objects, bytes } = await plainList(config, collections.split(",").filter(Boolean)));
else {
  const result = await live.loadLive({ kubeconfig });
  objects = allObjects(result.snapshot).length;
  diagnostics = result.diagnostics.length;
}
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, objects, bytes, diagnostics, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
