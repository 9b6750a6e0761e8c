/** `kubefence reach` and `kubefence netmap` on the demo cluster and small fixtures: output, exit codes, errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { netmapCommand } from "../../src/cli/netmap.js";
import { reachCommand } from "../../src/cli/reach.js";
import { runCommand } from "../support/run-command.js";
import { namespace, pod, policy } from "./support.js";

const run = runCommand;

function fixture(objects: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), "kubefence-net-"));
  const file = join(dir, "cluster.yaml");
  // YAML 1.1 quoting: kubectl (and kubefence) read a plain `y` as true, and the namespaces here are x and y.
  writeFileSync(file, objects.map((o) => stringify(o, { version: "1.1" })).join("---\n"));
  return file;
}

const isolated = fixture([
  namespace("x"),
  namespace("y"),
  pod("x/a", { ip: "10.0.0.1" }),
  pod("y/b", { ip: "10.0.1.1" }),
  policy("x/deny-from-other-namespaces", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
]);

describe("kubefence reach", () => {
  it("every demo pod reaches network/nginx on TCP 80: exit 0 with the reason", async () => {
    const r = await run(reachCommand, ["default/alpine", "network/nginx", "--demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "yes: default/alpine[Pod] => network/nginx[Pod] TCP/80",
        "  egress:  allowed — no NetworkPolicy in namespace default selects default/alpine[Pod] for Egress: all egress is allowed",
        "  ingress: allowed — no NetworkPolicy in namespace network selects network/nginx[Pod] for Ingress: all ingress is allowed",
        "",
      ].join("\n"),
    );
  });

  it("a denied connection exits 1 and names the isolating policy and the rule that does not match", async () => {
    const r = await run(reachCommand, ["y/b", "x/a", "-f", isolated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("no: y/b[Pod] => x/a[Pod] TCP/80");
    expect(r.stdout).toContain(
      "x/a[Pod] is isolated for ingress by x/deny-from-other-namespaces; no ingress rule allows TCP/80 from y/b[Pod]",
    );
    expect(r.stdout).toContain(
      "x/deny-from-other-namespaces ingress rule 0: its from (all pods in namespace x) does not select y/b[Pod]",
    );
  });

  it("-o json carries allowed, egress and ingress with the reasons", async () => {
    const r = await run(reachCommand, ["y/b", "x/a", "-f", isolated, "-o", "json", "--port", "443"]);
    const json = JSON.parse(r.stdout);
    expect(json.allowed).toBe(false);
    expect(json.egress).toMatchObject({ allowed: true, evaluated: false, isolated: false });
    expect(json.ingress).toMatchObject({
      allowed: false,
      isolated: true,
      policies: ["x/deny-from-other-namespaces"],
      rejectedBy: [{ policy: "x/deny-from-other-namespaces", rule: 0 }],
    });
  });

  it("a Service is judged by its endpoint pods on the target port", async () => {
    const r = await run(reachCommand, [
      "kube-system/coredns-7db6d8ff4d-x2x7k",
      "network/svc/nginx",
      "--demo",
      "-o",
      "json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      allowed: true,
      destination: "network/nginx[Service]",
      port: 80,
    });
  });

  it("unknown pods and bad flags are usage errors (exit 2)", async () => {
    expect(await run(reachCommand, ["default/nope", "network/nginx", "--demo"])).toMatchObject({
      code: 2,
      stderr: 'error: pods "nope" not found in namespace "default"\n',
    });
    expect(
      (await run(reachCommand, ["default/alpine", "network/nginx", "--demo", "--protocol", "ICMP"])).stderr,
    ).toBe('error: --protocol must be TCP, UDP or SCTP (got "ICMP")\n');
    expect((await run(reachCommand, ["default/alpine", "network/nginx", "--demo", "--port", "0"])).code).toBe(
      2,
    );
  });
});

describe("kubefence netmap", () => {
  it("prints one sorted line per allowed ordered pair", async () => {
    const r = await run(netmapCommand, ["-f", isolated]);
    expect(r.stdout).toBe(
      [
        "0.0.0.0-255.255.255.255[External] => y/b[Pod] : All Connections",
        "x/a[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections",
        "x/a[Pod] => y/b[Pod] : All Connections",
        "y/b[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections",
        "",
      ].join("\n"),
    );
  });

  it("--level namespace prints the matrix", async () => {
    const r = await run(netmapCommand, ["-f", isolated, "--level", "namespace"]);
    expect(r.stdout).toBe(
      ["FROM \\ TO   x      y", "x           -      full", "y           none   -", ""].join("\n"),
    );
  });

  it("--level namespace -n lists what the namespace reaches and what reaches it", async () => {
    const r = await run(netmapCommand, ["-f", isolated, "--level", "namespace", "-n", "y"]);
    expect(r.stdout).toBe(
      ["FROM   TO   STATUS", "y      x    none", "y      y    -", "x      y    full", ""].join("\n"),
    );
    const json = JSON.parse(
      (await run(netmapCommand, ["-f", isolated, "--level", "namespace", "-n", "x", "-o", "json"])).stdout,
    );
    expect(json.matrix).toEqual([
      { src: "x", dst: "x", status: "n/a" },
      { src: "x", dst: "y", status: "full" },
      { src: "y", dst: "x", status: "none" },
    ]);
  });

  it("-o csv, md, json and dot render the same connections", async () => {
    expect((await run(netmapCommand, ["-f", isolated, "-o", "csv"])).stdout.split("\n")[0]).toBe(
      "src,dst,conn",
    );
    expect((await run(netmapCommand, ["-f", isolated, "-o", "md"])).stdout).toContain(
      "| x/a[Pod] | y/b[Pod] | All Connections |",
    );
    const json = JSON.parse((await run(netmapCommand, ["-f", isolated, "-o", "json"])).stdout);
    expect(json.connections).toContainEqual({
      src: "x/a[Pod]",
      dst: "y/b[Pod]",
      conn: "All Connections",
      ports: "all",
    });
    expect((await run(netmapCommand, ["-f", isolated, "-o", "dot"])).stdout).toContain(
      '"x/a[Pod]" -> "y/b[Pod]" [label="All Connections"];',
    );
  });

  it("--exposure lists what every namespace or the outside reaches and what is not isolated", async () => {
    const r = await run(netmapCommand, ["-f", isolated, "--exposure", "-o", "json"]);
    expect(JSON.parse(r.stdout).exposure).toEqual([
      {
        peer: "x/a[Pod]",
        namespace: "x",
        fromAllNamespaces: false,
        fromOutside: false,
        ingressIsolated: true,
        egressIsolated: false,
      },
      {
        peer: "y/b[Pod]",
        namespace: "y",
        fromAllNamespaces: true,
        fromOutside: true,
        ingressIsolated: false,
        egressIsolated: false,
      },
    ]);
  });

  it("--ipblock-matches-pods takes true or false", async () => {
    expect((await run(netmapCommand, ["-f", isolated, "--ipblock-matches-pods=false"])).code).toBe(0);
    expect((await run(netmapCommand, ["-f", isolated, "--ipblock-matches-pods=maybe"])).stderr).toBe(
      'error: --ipblock-matches-pods must be true or false (got "maybe")\n',
    );
  });
});
