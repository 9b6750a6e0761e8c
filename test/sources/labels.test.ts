/**
 * Loading objects whose labels the API server rejects: each is skipped with the API server's message at
 * file:line:column, never analysed, and every other document still loads. Whether the messages are the
 * API server's is proved in labels-apiserver.test.ts.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/model/diagnostic.js";
import type { KubeVersion } from "../../src/model/kube-version.js";
import { loadManifests } from "../../src/sources/manifests.js";

const FILE = "test/sources/corpus/bad-labels.yaml";

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const scratch = mkdtempSync(join(tmpdir(), "kubefence-labels-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function write(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

function text(d: Diagnostic): string {
  const o = d.origin;
  return `${o && "file" in o ? `${o.file}:${o.line}:${o.column}: ` : ""}${d.message}`;
}

/** Read under --validate=strict, where a label the API server rejects skips its document. */
function load(paths: string[], kubeVersion?: KubeVersion, validate: "strict" | "warn" = "strict") {
  const { snapshot, diagnostics } = loadManifests(paths, {
    validate,
    ...(kubeVersion ? { kubeVersion } : {}),
  });
  return { snapshot, problems: diagnostics.filter((d) => d.severity !== "info"), diagnostics };
}

describe("labels the API server rejects", () => {
  it("skip the object with the API server's message at the label; the rest loads", () => {
    const { snapshot, problems, diagnostics } = load([FILE]);
    expect(problems.map(text)).toEqual([
      `${FILE}:9:18: Pod "web" is invalid: metadata.labels: Invalid value: "team name": ${NAME_PART}; document skipped`,
      `${FILE}:20:35: Deployment.apps "api" is invalid: spec.template.labels: Invalid value: "-v2": ${VALUE}; document skipped`,
      `${FILE}:28:19: Namespace "shop" is invalid: metadata.labels: Invalid value: "payments team": ${VALUE}; document skipped`,
    ]);
    expect(problems.map((d) => [d.severity, d.field])).toEqual([
      ["error", "metadata.labels.team name"],
      ["error", "spec.template.metadata.labels.version"],
      ["error", "metadata.labels.owner"],
    ]);
    expect(snapshot.pods).toEqual([]);
    expect(snapshot.workloads).toEqual([]);
    expect(snapshot.serviceAccounts.map((sa) => sa.metadata.labels)).toEqual([
      { "example.com/app": "", tier: "backend" },
    ]);
    // The rejected Namespace is not there: "shop" is synthesized, as for any undeclared namespace.
    expect(snapshot.namespaces.map((ns) => ns.metadata.labels)).toEqual([
      { "kubernetes.io/metadata.name": "shop" },
    ]);
    expect(diagnostics.filter((d) => d.severity === "info").map((d) => d.message)).toEqual([
      'namespace "shop" is not declared but 1 object lives in it; assumed to exist with no labels other than kubernetes.io/metadata.name',
    ]);
  });

  it("under --validate=warn (the default) the same objects are analysed as written, with the same words", () => {
    const { snapshot, problems } = load([FILE], undefined, "warn");
    expect(problems.map(text)).toEqual([
      `${FILE}:9:18: Pod "web" is invalid: metadata.labels: Invalid value: "team name": ${NAME_PART}; analysed as written`,
      `${FILE}:20:35: Deployment.apps "api" is invalid: spec.template.labels: Invalid value: "-v2": ${VALUE}; analysed as written`,
      `${FILE}:28:19: Namespace "shop" is invalid: metadata.labels: Invalid value: "payments team": ${VALUE}; analysed as written`,
    ]);
    expect(problems.map((d) => [d.severity, d.analysedAsWritten])).toEqual([
      ["warning", true],
      ["warning", true],
      ["warning", true],
    ]);
    expect(snapshot.pods.map((p) => p.metadata.name)).toEqual(["web"]);
    expect(snapshot.workloads.map((w) => w.metadata.name)).toEqual(["api"]);
    expect(snapshot.namespaces.find((ns) => ns.metadata.name === "shop")?.metadata.labels?.owner).toBe(
      "payments team",
    );
  });

  it("several errors make one message, as the API server gives them, at the first", () => {
    const file = write(
      "several.yaml",
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: api",
        "  labels: {owner: a b}",
        "spec:",
        "  selector:",
        "    matchLabels: {app: api!}",
        "  template:",
        "    metadata: {labels: {app: api!}}",
        "    spec: {containers: [{name: c, image: i}]}",
        "",
      ].join("\n"),
    );
    expect(load([file]).problems.map(text)).toEqual([
      `${file}:5:19: Deployment.apps "api" is invalid: [metadata.labels: Invalid value: "a b": ${VALUE}, spec.selector.matchLabels: Invalid value: "api!": ${VALUE}, spec.selector: Invalid value: {"matchLabels":{"app":"api!"}}: invalid label selector]; document skipped`,
    ]);
    // v1.20 quoted the selector as Go's %#v.
    expect(load([file], { major: 1, minor: 20 }).problems.map(text)).toEqual([
      `${file}:5:19: Deployment.apps "api" is invalid: [metadata.labels: Invalid value: "a b": ${VALUE}, spec.selector.matchLabels: Invalid value: "api!": ${VALUE}, spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api!"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: invalid label selector]; document skipped`,
    ]);
  });

  it("reads the version's rules: selector expression values, length wording", () => {
    const file = write(
      "versions.yaml",
      [
        "apiVersion: apps/v1",
        "kind: DaemonSet",
        "metadata: {name: d, namespace: x}",
        "spec:",
        "  selector:",
        "    matchLabels: {app: d}",
        "    matchExpressions: [{key: tier, operator: NotIn, values: [a b]}]",
        "  template:",
        "    metadata: {labels: {app: d}}",
        "    spec: {containers: [{name: c, image: i}]}",
        "---",
        "apiVersion: batch/v1",
        "kind: Job",
        `metadata: {name: ${"j".repeat(64)}, namespace: x}`,
        "spec:",
        "  template:",
        "    metadata: {labels: {app: j}}",
        "    spec: {restartPolicy: Never, containers: [{name: c, image: i}]}",
        "",
      ].join("\n"),
    );
    // The Job's own labels are its template's label map, job-name (the Job's name) added.
    const job = (unit: string) => {
      const tooLong = `Invalid value: "${"j".repeat(64)}": must be no more than 63 ${unit}`;
      return `${file}:14:11: Job.batch "${"j".repeat(64)}" is invalid: [metadata.labels: ${tooLong}, spec.template.labels: ${tooLong}]; document skipped`;
    };
    // v1.37 checks the values of a new object's matchExpressions.
    expect(load([file]).problems.map(text)).toEqual([
      `${file}:7:62: DaemonSet.apps "d" is invalid: spec.selector.matchExpressions[0].values[0]: Invalid value: "a b": ${VALUE}; document skipped`,
      job("bytes"),
    ]);
    // v1.20 did not, and worded the limit in "characters".
    expect(load([file], { major: 1, minor: 20 }).problems.map(text)).toEqual([job("characters")]);
  });

  it("the README's example: the v1.37 and the v1.20 words for one file", () => {
    const corpus = "test/sources/corpus/label-versions.yaml";
    const value = "0123456789abcdef".repeat(4);
    expect(load([corpus]).problems.map(text)).toEqual([
      `${corpus}:7:59: Deployment.apps "api" is invalid: [spec.selector.matchExpressions[0].values[0]: Invalid value: "front end": ${VALUE}, spec.selector: Invalid value: {"matchLabels":{"app":"api"},"matchExpressions":[{"key":"tier","operator":"In","values":["front end"]}]}: invalid label selector]; document skipped`,
      `${corpus}:17:19: Pod "web" is invalid: metadata.labels: Invalid value: "${value}": must be no more than 63 bytes; document skipped`,
    ]);
    expect(load([corpus], { major: 1, minor: 20 }).problems.map(text)).toEqual([
      `${corpus}:6:5: Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"front end"}}}}: invalid label selector; document skipped`,
      `${corpus}:17:19: Pod "web" is invalid: metadata.labels: Invalid value: "${value}": must be no more than 63 characters; document skipped`,
    ]);
  });

  it("an item of a JSON List is located at its own line", () => {
    const file = write(
      "list.json",
      JSON.stringify(
        {
          apiVersion: "v1",
          kind: "List",
          items: [
            { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "a", namespace: "x" } },
            {
              apiVersion: "v1",
              kind: "ServiceAccount",
              metadata: { name: "b", namespace: "x", labels: { k: "v!" } },
            },
          ],
        },
        null,
        2,
      ),
    );
    const { snapshot, problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:20:16: ServiceAccount "b" is invalid: metadata.labels: Invalid value: "v!": ${VALUE}; document skipped`,
    ]);
    expect(snapshot.serviceAccounts.map((sa) => sa.metadata.name)).toEqual(["a"]);
  });

  it("a NetworkPolicy rejected for its labels names its spec errors too, and never reaches the network analysis", () => {
    const file = write(
      "policy.yaml",
      [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata: {name: np, namespace: x, labels: {tier!: db}}",
        "spec:",
        "  podSelector: {}",
        "  ingress: [{from: [{}]}]",
        "",
      ].join("\n"),
    );
    const { snapshot, problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:3:52: NetworkPolicy.networking.k8s.io "np" is invalid: [metadata.labels: Invalid value: "tier!": ${NAME_PART}, spec.ingress[0].from[0]: Required value: must specify a peer]; document skipped`,
    ]);
    expect(snapshot.networkPolicies).toEqual([]);
  });

  it("valid labels of every shape load unchanged", () => {
    const file = write(
      "valid.yaml",
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: p",
        "  namespace: x",
        "  labels:",
        "    app: web",
        "    example.com/app: ''",
        `    ${"x".repeat(63)}: ${"y".repeat(63)}`,
        "spec: {containers: [{name: c, image: i}]}",
        "",
      ].join("\n"),
    );
    const { snapshot, problems } = load([file]);
    expect(problems).toEqual([]);
    expect(Object.keys(snapshot.pods[0]!.metadata.labels ?? {})).toEqual([
      "app",
      "example.com/app",
      "x".repeat(63),
    ]);
  });
});

describe("kubefence audit -f with bad labels (the CLI)", () => {
  const exec = promisify(execFile);
  const main = "dist/cli/main.js";
  beforeAll(async () => {
    if (!existsSync(main)) await exec("npx", ["tsc", "-p", "tsconfig.json"]).catch(() => undefined);
  }, 180_000);

  it("prints each rejection as an error on stderr; --strict exits 2", async () => {
    const strict = await exec(process.execPath, [main, "audit", "--strict", "-f", FILE]).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(
      `error: ${FILE}:9:18: Pod "web" is invalid: metadata.labels: Invalid value: "team name": name part must consist of`,
    );
  });
});
