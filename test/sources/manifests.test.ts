import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/model/diagnostic.js";
import { originOf } from "../../src/model/origin.js";
import { allObjects } from "../../src/model/snapshot.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { MAX_DEPTH, parseDocuments } from "../../src/sources/documents.js";
import { InputError, loadManifests, type ManifestOptions } from "../../src/sources/manifests.js";

const CORPUS = "test/sources/corpus";
const TREE = "test/fixtures/manifest-tree";
const corpus = (name: string) => join(CORPUS, name);

/** Inputs that cannot be committed as files (binary, huge, or YAML no linter accepts) are written here. */
const scratch = mkdtempSync(join(tmpdir(), "kubefence-manifests-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function write(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

function load(paths: string[], options: ManifestOptions = {}) {
  const result = loadManifests(paths, options);
  const names = (field: "pods" | "serviceAccounts" | "services" | "workloads" | "namespaces") =>
    result.snapshot[field].map((o) => o.metadata.name);
  const problems = result.diagnostics.filter((d) => d.severity !== "info");
  return { ...result, names, problems };
}

/** `file:line:column: message`, the way the CLI prints a diagnostic. */
function text(d: Diagnostic): string {
  const o = d.origin;
  return `${o && "file" in o ? `${o.file}:${o.line}:${o.column}: ` : ""}${d.message}`;
}

const SA = (name: string, namespace = "apps") =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`;

describe("input formats", () => {
  it("reads multi-document YAML as helm template prints it: # Source comments, empty documents skipped", () => {
    const { snapshot, names, problems } = load([corpus("helm-template.yaml")]);
    expect(problems).toEqual([]);
    expect(names("serviceAccounts")).toEqual(["release-web"]);
    expect(names("services")).toEqual(["release-web"]);
    expect(names("workloads")).toEqual(["release-web"]);
    expect(names("pods")).toEqual(["release-web-test-connection"]);
    // Each object remembers where it starts: the line after its # Source comment.
    expect(originOf(snapshot.workloads[0]!)).toEqual({
      file: corpus("helm-template.yaml"),
      line: 29,
      column: 1,
    });
  });

  it("skips documents that are empty, comments only, or null, as kubectl does", () => {
    const file = write("empties.yaml", `---\n---\n# only a comment\n---\nnull\n---\n${SA("kept")}---\n`);
    const { names, diagnostics } = load([file]);
    expect(names("serviceAccounts")).toEqual(["kept"]);
    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("reads a List as kubectl get -o yaml prints it, each item at its own line", () => {
    const { snapshot, problems } = load([corpus("kubectl-get-list.yaml")]);
    expect(problems).toEqual([]);
    const pod = snapshot.pods[0]!;
    expect(pod.metadata).toMatchObject({ name: "nginx", namespace: "network", labels: { app: "nginx" } });
    expect(pod.status?.podIP).toBe("10.244.1.5");
    expect(originOf(pod)).toEqual({ file: corpus("kubectl-get-list.yaml"), line: 3, column: 3 });
    expect(originOf(snapshot.services[0]!)).toMatchObject({ line: 25 });
  });

  it("reads a typed list (PodList) whose items leave out kind and apiVersion, as the API server sends them", () => {
    const { names, problems, snapshot } = load([corpus("podlist.json")]);
    expect(problems).toEqual([]);
    expect(names("pods")).toEqual(["api-0", "api-1"]);
    expect(snapshot.pods.map((p) => p.apiVersion)).toEqual(["v1", "v1"]);
    expect(originOf(snapshot.pods[1]!)).toEqual({ file: corpus("podlist.json"), line: 17, column: 5 });
  });

  it("reads a single JSON object", () => {
    const { snapshot, problems } = load([corpus("single.json")]);
    expect(problems).toEqual([]);
    expect(snapshot.namespaces[0]!.metadata.labels).toEqual({
      tenant: "j",
      "kubernetes.io/metadata.name": "from-json",
    });
  });

  it("reads a JSON stream (jq -c output): every value a document, a broken one reported at its line", () => {
    const json = (name: string) =>
      JSON.stringify({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: "apps" } });
    const file = write(
      "stream.json",
      `${json("one")}\n${json("two").replace('"apps"', '"apps","labels":{"n":2}')}\n{"apiVersion": v1}\n${json("four")}\n`,
    );
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["one", "four"]);
    expect(problems.map(text)).toEqual([
      `${file}:3:1: invalid JSON: Unexpected token 'v', "{"apiVersion": v1}" is not valid JSON; document skipped`,
      `${file}:2:102: ServiceAccount "two": metadata.labels.n must be string (got a number); document skipped`,
    ]);
  });

  it("reads a JSON List fast and still knows every item's line", () => {
    const items = ["sa-0", "sa-1", "sa-2"].map((name) => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace: "apps" },
    }));
    const file = write("list.json", JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 2));
    const { snapshot } = load([file]);
    expect(snapshot.serviceAccounts.map((sa) => originOf(sa))).toEqual([
      { file, line: 5, column: 5 },
      { file, line: 13, column: 5 },
      { file, line: 21, column: 5 },
    ]);
  });
});

describe("broken input: a diagnostic with file:line, never a crash, every other document still loads", () => {
  it("invalid YAML", () => {
    const file = corpus("invalid-yaml.yaml");
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["before", "after"]);
    expect(problems.map(text)).toEqual([
      `${file}:10:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]; document skipped`,
    ]);
  });

  it("tabs used for indentation", () => {
    const file = corpus("tabs.yaml");
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["ok"]);
    expect(problems.map(text)).toEqual([
      `${file}:4:1: invalid YAML: Tabs are not allowed as indentation; document skipped`,
    ]);
  });

  it("fields of the wrong type: the diagnostic names file:line:column, the field, and what it got", () => {
    const file = corpus("wrong-types.yaml");
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["fine"]);
    expect(names("workloads")).toEqual([]);
    expect(problems.map(text)).toEqual([
      `${file}:8:13: Deployment "web": spec.replicas must be integer (got a string ("two")); document skipped`,
      `${file}:17:26: Deployment "web": spec.template.spec.containers[0].ports[0].containerPort must be integer (got a string ("eighty")); document skipped`,
      `${file}:21:48: Pod "p": metadata.labels.ok must be string (got a boolean); document skipped`,
      `${file}:23:15: Pod "p": spec.containers must be array (got an object); document skipped`,
    ]);
    expect(problems.map((d) => d.field)).toEqual([
      "spec.replicas",
      "spec.template.spec.containers[0].ports[0].containerPort",
      "metadata.labels.ok",
      "spec.containers",
    ]);
  });

  it("missing kind, apiVersion, metadata or metadata.name, and documents that are not objects", () => {
    const file = corpus("missing-fields.yaml");
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["survivor"]);
    expect(problems.map(text)).toEqual([
      `${file}:2:1: document has no kind; document skipped`,
      `${file}:5:1: Pod has no apiVersion; document skipped`,
      `${file}:8:1: Pod has no metadata; document skipped`,
      `${file}:13:11: Pod has no metadata.name; document skipped`,
      `${file}:17:11: Pod has no metadata.name (generateName "web-" is resolved only by the API server); document skipped`,
      `${file}:19:1: document is a list, not a Kubernetes object; document skipped`,
      `${file}:22:1: document is a string ("plain string"), not a Kubernetes object; document skipped`,
    ]);
  });

  it("binary garbage: one diagnostic for the file, the other files still load", () => {
    const bytes = Buffer.alloc(4096);
    let x = 7;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = (x >> 16) & 255;
    }
    bytes[10] = 0;
    const garbage = write("garbage.yaml", bytes);
    const { names, problems } = load([garbage, write("good.yaml", SA("good"))]);
    expect(names("serviceAccounts")).toEqual(["good"]);
    expect(problems.map(text)).toEqual([
      `${garbage}:1:1: file is binary (contains NUL bytes), not YAML or JSON`,
    ]);
  });

  it("a 20 MB YAML file loads", () => {
    // One ConfigMap of 20 MB (not analysed, counted) between ordinary documents, and one broken document.
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ${"x".repeat(20_000_000)}\n`;
    const file = write("big.yaml", `${SA("first")}---\n${big}---\nkind: Pod\n---\n${SA("last")}`);
    const { names, problems, snapshot } = load([file]);
    expect(names("serviceAccounts")).toEqual(["first", "last"]);
    expect(snapshot.unknownKinds).toEqual({ "v1/ConfigMap": 1 });
    expect(problems.map(text)).toEqual([`${file}:13:1: Pod has no apiVersion; document skipped`]);
  });

  it("a 20 MB JSON List of 20 000 pods loads completely", () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `pod-${i}`,
        namespace: `ns-${i % 50}`,
        labels: { app: `app-${i % 7}` },
        annotations: { filler: "f".repeat(600) },
      },
      spec: {
        containers: [
          {
            name: "c",
            image: "registry.example.com/team/app:1.0.0",
            ports: [{ containerPort: 8080, name: "http" }],
          },
        ],
      },
    }));
    const file = write("big.json", JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 1));
    expect(readFileSync(file).length).toBeGreaterThan(20_000_000);
    const { snapshot, problems } = load([file]);
    expect(problems).toEqual([]);
    expect(snapshot.pods).toHaveLength(20_000);
    expect(snapshot.namespaces).toHaveLength(50);
  });

  it("deeply nested flow YAML: the stack overflow becomes a diagnostic", () => {
    const file = write(
      "deep-flow.yaml",
      `${SA("before")}---\n${SA("deep")}  x: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n---\n${SA("after")}`,
    );
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["before", "after"]);
    expect(problems).toHaveLength(1);
    expect(text(problems[0]!)).toMatch(
      new RegExp(`^${file}:12:\\d+: invalid YAML: document is nested too deeply; document skipped$`),
    );
  });

  it("deeply nested block YAML that overflows the parser itself: only that document is lost", () => {
    let deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n`;
    for (let i = 0, indent = "  "; i < 5000; i++, indent += " ") deep += `${indent}a:\n`;
    const file = write("deep-block.yaml", `${SA("before")}---\n${deep}---\n${SA("after")}`);
    const { names, problems } = load([file]);
    expect(names("serviceAccounts")).toEqual(["before", "after"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/nested too deeply; document skipped$/);
  });

  it.each([
    [
      "JSON",
      `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"x":${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
    ],
    [
      "YAML",
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx: ${"[".repeat(MAX_DEPTH + 10)}${"]".repeat(MAX_DEPTH + 10)}\n`,
    ],
  ])("%s nested deeper than the limit but parseable: a diagnostic, not a crash later", (format, content) => {
    const file = write(`deep.${format.toLowerCase()}`, content);
    const { problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:1:1: document is nested more than ${MAX_DEPTH} levels deep, not a Kubernetes object; document skipped`,
    ]);
  });

  it("a YAML alias bomb is refused without expanding it; moderate anchors still load", () => {
    const file = corpus("alias-bomb.yaml");
    const { snapshot, problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:1:1: cannot read document: Excessive alias count indicates a resource exhaustion attack; document skipped`,
    ]);
    expect(snapshot.pods[0]!.spec!.nodeSelector).toEqual({ app: "web", tier: "front" });
  });
});

describe("objects and namespaces", () => {
  it("duplicates: a warning at the later one naming the first, and the last one wins", () => {
    const file = corpus("duplicates.yaml");
    const { snapshot, problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:8:1: duplicate ServiceAccount ci/builder (first at ${file}:1:1); the last one wins`,
    ]);
    expect(
      snapshot.serviceAccounts.map((sa) => [sa.metadata.namespace, sa.metadata.labels?.version]),
    ).toEqual([
      ["ci", "second"],
      ["prod", undefined],
    ]);
  });

  it("a duplicate across files: the file given last wins", () => {
    const first = write("dup-a.yaml", SA("same"));
    const second = write("dup-b.yaml", SA("same").replace("metadata:", "metadata:\n  labels: {from: b}"));
    const { snapshot, problems } = load([first, second]);
    expect(snapshot.serviceAccounts[0]!.metadata.labels).toEqual({ from: "b" });
    expect(problems[0]!.message).toBe(
      `duplicate ServiceAccount apps/same (first at ${first}:1:1); the last one wins`,
    );
  });

  it("a JSON file's objects are admitted in place; YAML's, whose objects an alias may share, as copies", () => {
    const json = write(
      "in-place.json",
      JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [{ apiVersion: "v1", kind: "Pod", metadata: { name: "a" } }],
      }),
    );
    const parsed = parseDocuments(readFileSync(json, "utf8"), json);
    const items = (parsed.documents[0]!.value as { items: object[] }).items;
    const fromJson = buildSnapshot(parsed.documents, { synthesizeNamespaces: true });
    expect(fromJson.snapshot.pods[0]).toBe(items[0]);
    expect(fromJson.snapshot.pods[0]!.metadata.namespace).toBe("default");
    // The same object twice through an alias: each admitted object keeps its own place.
    const yaml = write(
      "aliased.yaml",
      "apiVersion: v1\nkind: List\nitems:\n- &pod {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- *pod\n",
    );
    const { snapshot, problems } = load([yaml]);
    expect(problems.map(text)).toEqual([
      `${yaml}:5:3: duplicate Pod default/a (first at ${yaml}:4:8); the last one wins`,
    ]);
    expect(snapshot.pods).toHaveLength(1);
  });

  it("unknown kinds are counted by apiVersion/kind, not reported as errors", () => {
    const { snapshot, diagnostics, names } = load([corpus("unknown-kinds.yaml")]);
    expect(snapshot.unknownKinds).toEqual({
      "v1/ConfigMap": 2,
      "cert-manager.io/v1/Certificate": 1,

      "mycorp.example.com/v1/Deployment": 1,
    });
    expect(names("serviceAccounts")).toEqual(["counted"]);
    expect(diagnostics.every((d) => d.severity === "info")).toBe(true);
  });

  it("wrong apiVersion for a known kind: an error in kubectl's words naming the served version, document skipped", () => {
    const file = corpus("wrong-versions.yaml");
    const { snapshot, diagnostics } = load([file]);
    expect(diagnostics.map(text)).toEqual([
      `${file}:1:13: resource mapping not found for name: "web" namespace: "shop" from "${file}": no matches for kind "Deployment" in version "v1" (Deployment is served as apps/v1); document skipped`,
      `${file}:6:13: resource mapping not found for name: "escape" namespace: "" from "${file}": no matches for kind "Pod" in version "apps/v1" (Pod is served as v1); document skipped`,
      `${file}:11:13: resource mapping not found for name: "future" namespace: "" from "${file}": no matches for kind "NetworkPolicy" in version "networking.k8s.io/v2" (NetworkPolicy is served as networking.k8s.io/v1); document skipped`,
    ]);
    expect(diagnostics.every((d) => d.severity === "error")).toBe(true);
    expect(snapshot.unknownKinds).toEqual({});
    expect(snapshot.pods).toEqual([]);
  });

  it.each([
    [
      "block YAML",
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: first\n  namespace: apps\n  name: last\n",
      6,
      3,
    ],
    [
      "flow YAML",
      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: first, namespace: apps, name: last}\n",
      3,
      42,
    ],
    [
      "a List",
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: first\n    namespace: apps\n    name: last\n",
      9,
      5,
    ],
  ])(
    "duplicate YAML keys in %s: warned (last wins) by default, the document skipped under strict, silent under ignore",
    (_, yaml, line, column) => {
      const file = write("dup-keys.yaml", yaml);
      const message = `error converting YAML to JSON: yaml: unmarshal errors: line ${line}: key "name" already set in map`;
      const warned = load([file]);
      expect(warned.problems.map(text)).toEqual([
        `${file}:${line}:${column}: ${message}; kubectl refuses this document, read here with the last value of each key`,
      ]);
      expect(warned.names("serviceAccounts")).toEqual(["last"]);
      const strict = load([file], { validate: "strict" });
      expect(strict.problems.filter((d) => d.severity === "error").map(text)).toContain(
        `${file}:${line}:${column}: ${message}; document skipped`,
      );
      expect(strict.names("serviceAccounts")).toEqual([]);
      const ignored = load([file], { validate: "ignore" });
      expect(ignored.problems).toEqual([]);
      expect(ignored.names("serviceAccounts")).toEqual(["last"]);
    },
  );

  it("deprecated apiVersions: read as the current version, with a warning at the apiVersion", () => {
    const file = corpus("deprecated-versions.yaml");
    const { snapshot, problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:1:13: NetworkPolicy extensions/v1beta1 is deprecated and no longer served by current Kubernetes; read as networking.k8s.io/v1`,
      `${file}:7:13: ClusterRole rbac.authorization.k8s.io/v1beta1 is deprecated and no longer served by current Kubernetes; read as rbac.authorization.k8s.io/v1`,
      `${file}:15:13: Deployment extensions/v1beta1 is deprecated and no longer served by current Kubernetes; read as apps/v1`,
    ]);
    expect(snapshot.networkPolicies[0]!.apiVersion).toBe("networking.k8s.io/v1");
    expect(snapshot.networkPolicies[0]!.spec?.policyTypes).toEqual(["Ingress"]);
    expect(snapshot.workloads[0]!.apiVersion).toBe("apps/v1");
  });

  it("cluster-scoped objects with a namespace: the namespace is dropped, with a warning", () => {
    const file = corpus("cluster-scoped-with-namespace.yaml");
    const { snapshot, problems } = load([file]);
    expect(problems.map(text)).toEqual([
      `${file}:5:14: ClusterRole is cluster-scoped; metadata.namespace "team-a" is ignored, as the API server ignores it`,
      `${file}:12:14: Namespace is cluster-scoped; metadata.namespace "default" is ignored, as the API server ignores it`,
    ]);
    expect(snapshot.clusterRoles[0]!.metadata).toEqual({ name: "reader" });
    expect(snapshot.namespaces.map((n) => n.metadata.name)).toEqual(["team-a"]);
  });

  it("namespaced objects without a namespace land in default, or in -n; an explicit namespace is kept", () => {
    const file = corpus("no-namespace.yaml");
    const where = (options: ManifestOptions) =>
      allObjects(load([file], options).snapshot)
        .filter((o) => o.kind !== "Namespace")
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(where({})).toEqual(["default/loose-binding", "default/loose", "elsewhere/pinned"]);
    expect(where({ defaultNamespace: "team-x" })).toEqual([
      "team-x/loose-binding",
      "team-x/loose",
      "elsewhere/pinned",
    ]);
  });

  it("synthesizes namespaces that objects live in but no document declares, and says so", () => {
    const { snapshot, diagnostics } = load([corpus("no-namespace.yaml")], { defaultNamespace: "team-x" });
    expect(snapshot.namespaces.map((n) => [n.metadata.name, n.metadata.labels, originOf(n)])).toEqual([
      [
        "elsewhere",
        { "kubernetes.io/metadata.name": "elsewhere" },
        { file: "<synthesized>", line: 0, column: 0 },
      ],
      ["team-x", { "kubernetes.io/metadata.name": "team-x" }, { file: "<synthesized>", line: 0, column: 0 }],
    ]);
    expect(diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      'info: namespace "elsewhere" is not declared but 1 object lives in it; assumed to exist with no labels other than kubernetes.io/metadata.name',
      'info: namespace "team-x" is not declared but 2 objects live in it; assumed to exist with no labels other than kubernetes.io/metadata.name',
    ]);
  });

  it("a declared namespace is not synthesized, wherever it is declared", () => {
    const { diagnostics, snapshot } = load([
      write(
        "late-ns.yaml",
        `${SA("a", "late")}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: late}\n`,
      ),
    ]);
    expect(diagnostics).toEqual([]);
    expect(snapshot.namespaces).toHaveLength(1);
  });
});

describe("paths: files, directories, -R, stdin, URLs", () => {
  it("a directory yields its .yaml, .yml and .json files; subdirectories only with -R", () => {
    expect(load([TREE]).names("namespaces")).toEqual(["team-a"]);
    const recursive = load([TREE], { recursive: true });
    expect(allObjects(recursive.snapshot).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/team-a",
      "RoleBinding/devs",
      "Pod/web",
    ]);
    expect(recursive.diagnostics).toEqual([]);
  });

  it("a directory without manifests is an input error", () => {
    const empty = join(scratch, "empty-dir");
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, "notes.txt"), "not a manifest");
    expect(() => loadManifests([empty])).toThrow(
      new InputError(`no .yaml, .yml or .json files in directory "${empty}" (use -R to read subdirectories)`),
    );
  });

  it("- reads stdin, and names it <stdin> in positions", () => {
    const { snapshot, problems } = load(["-"], { readStdin: () => `${SA("piped")}---\nkind: Pod\n` });
    expect(snapshot.serviceAccounts[0]!.metadata.name).toBe("piped");
    expect(originOf(snapshot.serviceAccounts[0]!)).toEqual({ file: "<stdin>", line: 1, column: 1 });
    expect(problems.map(text)).toEqual(["<stdin>:7:1: Pod has no apiVersion; document skipped"]);
  });

  it("-f is repeatable and files are read in the order given", () => {
    const { names } = load([write("b.yaml", SA("b")), write("a.yaml", SA("a"))]);
    expect(names("serviceAccounts")).toEqual(["b", "a"]);
  });

  it.each(["https://example.com/all.yaml", "http://10.0.0.1/x.json", "s3://bucket/x.yaml"])(
    "refuses the URL %s",
    (url) => {
      expect(() => loadManifests([url])).toThrow(
        new InputError(
          `${url}: URLs are not read; kubefence only talks to the cluster you point it at. Download the file and pass its path.`,
        ),
      );
    },
  );

  it("a file that cannot be read (a dangling symlink) is an input error, worded as kubectl", () => {
    const dir = join(scratch, "dangling");
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(scratch, "nowhere.yaml"), join(dir, "gone.yaml"));
    expect(() => loadManifests([dir])).toThrow(
      new InputError(`open ${join(dir, "gone.yaml")}: no such file or directory`),
    );
  });

  it("a path that does not exist is an input error, worded as kubectl", () => {
    expect(() => loadManifests(["nope/missing.yaml"])).toThrow(
      new InputError('the path "nope/missing.yaml" does not exist'),
    );
  });
});

describe("kubefence audit -f (the CLI)", () => {
  const exec = promisify(execFile);
  const main = "dist/cli/main.js";
  beforeAll(async () => {
    // `npm test` builds first; build here too when run alone.
    if (!existsSync(main)) await exec("npx", ["tsc", "-p", "tsconfig.json"]).catch(() => undefined);
  }, 180_000);

  async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [main, ...args]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it("prints diagnostics on stderr and still analyses what loaded (exit 0 without --strict)", async () => {
    const { code, stderr } = await run("audit", "-f", corpus("duplicates.yaml"));
    expect(code).toBe(0);
    expect(stderr).toContain(
      `warning: ${corpus("duplicates.yaml")}:8:1: duplicate ServiceAccount ci/builder`,
    );
  });

  it("--strict turns warnings and errors into exit code 2", async () => {
    const { code, stderr } = await run("audit", "--strict", "-f", corpus("wrong-types.yaml"));
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error: ${corpus("wrong-types.yaml")}:8:13: Deployment "web": spec.replicas must be integer`,
    );
    expect(stderr).toContain("error: --strict: 4 input problems (see above)");
  });

  it("--strict ignores info diagnostics (synthesized namespaces)", async () => {
    const { code } = await run("audit", "--strict", "-f", corpus("no-namespace.yaml"));
    expect(code).toBe(0);
  });

  it("a missing path is exit code 2 with kubectl's message", async () => {
    const { code, stderr } = await run("audit", "-f", "x");
    expect(code).toBe(2);
    expect(stderr).toBe('error: the path "x" does not exist\n');
  });

  it("a URL is exit code 2", async () => {
    const { code, stderr } = await run("audit", "-f", "https://example.com/x.yaml");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: https:\/\/example.com\/x.yaml: URLs are not read/);
  });
});
