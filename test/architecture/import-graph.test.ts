/**
 * The import graph keeps the architecture's one-way flow (source → snapshot → engines → renderers → CLI):
 *
 * 1. engines (model, rbac, network, podsecurity, tenancy, verify, and the webhook's decision parts) import
 *    nothing from sources/, report/ or cli/: they are pure functions of a Snapshot that any front end reuses;
 * 2. model/ imports no other directory of src/: it is what every layer shares;
 * 3. report/ imports nothing from sources/ or cli/: renderers format what engines found;
 * 4. there is no import cycle between files (type-only imports included: a cycle of types is still a cycle
 *    of concepts).
 *
 * Imports are read from the text of every src/**\/*.ts with comments and string contents other than module
 * specifiers ignored; only relative specifiers are followed (packages cannot import kubefence).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "..", "src");

/** The webhook's I/O shell and boundary; every other webhook file is engine and bound by rule 1. */
const WEBHOOK_SHELL = new Set([
  "webhook/server.ts",
  "webhook/cache.ts",
  "webhook/tls.ts",
  "webhook/load.ts",
  "webhook/log-sampler.ts",
  "webhook/metrics.ts",
  "webhook/index.ts",
]);
const ENGINES = ["model", "rbac", "network", "podsecurity", "tenancy", "verify", "webhook"];
const FORBIDDEN_FOR_ENGINES = ["sources", "report", "cli"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Relative import specifiers of a file: `import … from`, `export … from`, `import "…"` and `import("…")`. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specifiers: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (const match of code.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

interface Graph {
  /** File (relative to src, `.ts`) → files it imports. */
  edges: Map<string, string[]>;
}

function importGraph(): Graph {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    const targets = importsOf(readFileSync(file, "utf8")).map((spec) =>
      relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, ".ts"))),
    );
    edges.set(from, targets);
  }
  return { edges };
}

const topDir = (file: string): string => file.split("/")[0]!;

function violations(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of edges) {
    const layer = topDir(from);
    for (const to of targets) {
      const target = topDir(to);
      const engine = ENGINES.includes(layer) && !WEBHOOK_SHELL.has(from);
      if (engine && FORBIDDEN_FOR_ENGINES.includes(target))
        out.push(`${from} → ${to} (engines import no ${target}/)`);
      else if (layer === "model" && target !== "model")
        out.push(`${from} → ${to} (model/ imports only model/)`);
      else if (layer === "report" && (target === "sources" || target === "cli"))
        out.push(`${from} → ${to} (renderers import no ${target}/)`);
    }
  }
  return out;
}

/** Every cycle found by a depth-first walk, each as the files along it. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

describe("import graph", () => {
  const { edges } = importGraph();

  it("reads the imports of every source file, and they all resolve to files of src", () => {
    expect(edges.size).toBeGreaterThan(100);
    const files = new Set(edges.keys());
    const dangling = [...edges].flatMap(([from, to]) =>
      to.filter((t) => !files.has(t)).map((t) => `${from} → ${t}`),
    );
    expect(dangling).toEqual([]);
    // The parser sees every form of import the code uses.
    expect(edges.get("cli/main.ts")?.length).toBeGreaterThan(3);
  });

  it("engines import nothing from sources/, report/ or cli/; model/ only itself; report/ no sources/ or cli/", () => {
    expect(violations(edges)).toEqual([]);
  });

  it("has no import cycle", () => {
    expect(cycles(edges).map((c) => c.join(" → "))).toEqual([]);
  });

  it("the checks fail on a violation and on a cycle (they are not vacuous)", () => {
    const bad = new Map([
      ["network/x.ts", ["report/table.ts"]],
      ["tenancy/y.ts", ["sources/build.ts"]],
      ["model/z.ts", ["rbac/policy.ts"]],
      ["webhook/decide.ts", ["sources/documents.ts"]],
      ["webhook/server.ts", ["sources/documents.ts"]],
      ["a/1.ts", ["a/2.ts"]],
      ["a/2.ts", ["a/1.ts"]],
    ]);
    expect(violations(bad)).toHaveLength(4);
    expect(cycles(bad)).toEqual([["a/1.ts", "a/2.ts", "a/1.ts"]]);
    expect(
      importsOf(
        'import { a } from "./a.js";\nexport * from "../b.js";\nconst c = await import("./c.js");\n// import "./d.js"\nimport "./e.js";',
      ),
    ).toEqual(["./a.js", "../b.js", "./c.js", "./e.js"]);
  });
});
