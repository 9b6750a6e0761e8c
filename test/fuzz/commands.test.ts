/**
 * Fuzzing every command that reads manifests: fast-check mutates the demo cluster's documents (type flips,
 * nulls, huge values, unicode and control characters, prototype keys, deep nesting, duplicate keys,
 * wrong apiVersions) and each command must end as a CLI should — exit 0, 1 or 2, never a stack trace, and
 * every skipped document named by file and line on stderr. Runs are counted, not timed (seeded, so a
 * failure replays); the in-process runner keeps them cheap, and a few go through the built CLI.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { accessMatrixCommand } from "../../src/cli/access-matrix.js";
import { auditCommand } from "../../src/cli/audit.js";
import { canICommand } from "../../src/cli/can-i.js";
import { fixCommand } from "../../src/cli/fix.js";
import { netmapCommand } from "../../src/cli/netmap.js";
import { podsecCommand } from "../../src/cli/podsec.js";
import { reachCommand } from "../../src/cli/reach.js";
import { snapshotCommand } from "../../src/cli/snapshot.js";
import { whoCanCommand } from "../../src/cli/who-can.js";
import { runBuiltCli } from "../support/built-cli.js";
import { runCommand } from "../support/run-command.js";

const DEMO = fileURLToPath(new URL("../../examples/demo", import.meta.url));
const SEED: Record<string, unknown>[] = readdirSync(DEMO)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((f) => parseAllDocuments(readFileSync(join(DEMO, f), "utf8")).map((d) => d.toJS()))
  .filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null);

const TENANTS = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: test
    namespaces: [test-namespace]
`;

/** Paths into a document (keys and indexes from its root to a node), not below depth 40. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (prefix.length >= 40) return out;
  if (Array.isArray(value))
    value.forEach((v, i) => {
      paths(v, [...prefix, i], out);
    });
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

const deep = (levels: number): unknown => {
  let v: unknown = "bottom";
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { x: v };
  return v;
};

/** What a mutation writes at a path. */
const hostileValue = fc.oneof(
  fc.constant(null),
  fc.constant(""),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant("x".repeat(200_000)),
  fc.constant(Number.MAX_VALUE),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "\u001b[2J\u001b[Herror: forged",
    "line\nbreak\rreturn",
    "\u202eevil\u200b",
    "\u0085\u009b31m",
    "💥",
    "__proto__",
    "constructor",
  ),
  fc.constantFrom(
    JSON.parse('{"__proto__": {"polluted": true}}'),
    { constructor: { prototype: 1 } },
    { toString: 1 },
  ),
  fc.constant(deep(80)),
  fc.constant(deep(700)),
  fc.constantFrom("v1", "apps/v1", "networking.k8s.io/v2", "Pod", "Deployment"),
);

type Mutation = { at: number; value: unknown } | { at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), value: hostileValue }),
  fc.record({
    at: fc.nat(),
    key: fc.constantFrom(
      "__proto__",
      "constructor",
      "hasOwnProperty",
      "valueOf",
      "\u001b]0;x\u0007",
      "a.b/c",
    ),
    value: hostileValue,
  }),
);

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
  return root;
}

function mutate(seed: Record<string, unknown>, mutations: Mutation[]): unknown {
  let doc: unknown = structuredClone(seed);
  for (const original of mutations) {
    // A fresh copy of the value each time (JSON keeps an own `__proto__` key own), so no value is shared.
    const value = original.value === undefined ? undefined : JSON.parse(JSON.stringify(original.value));
    const m = { ...original, value };
    const all = paths(doc);
    const path = all[m.at % all.length]!;
    if ("key" in m) {
      const target = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], doc);
      if (target && typeof target === "object" && !Array.isArray(target))
        Object.defineProperty(target, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    } else doc = setAt(doc, path, m.value);
  }
  return doc;
}

/** A whole input: the seed documents, some mutated, as YAML (with a duplicated key, maybe) or JSON. */
const input = fc
  .record({
    mutated: fc.array(
      fc.record({ doc: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    format: fc.constantFrom("yaml", "yaml", "json"),
    duplicateKey: fc.boolean(),
  })
  .map(({ mutated, format, duplicateKey }) => {
    const docs: unknown[] = SEED.map((d) => d);
    for (const m of mutated) docs[m.doc % docs.length] = mutate(SEED[m.doc % SEED.length]!, m.mutations);
    if (format === "json") return JSON.stringify({ apiVersion: "v1", kind: "List", items: docs });
    let text = docs.map((d) => stringify(d, { aliasDuplicateObjects: false })).join("---\n");
    // A repeated key: at the top level of the first document.
    if (duplicateKey)
      text = text.replace(/^kind: .*$/m, (line) => `${line}\n${line.replace(/:.*/, ": Pod")}`);
    return text;
  });

const COMMANDS: [string, () => Command, string[]][] = [
  ["audit", auditCommand, ["--tenants", "TENANTS", "--fail-on", "low"]],
  ["podsec", podsecCommand, []],
  ["netmap", netmapCommand, []],
  ["reach", reachCommand, ["test-namespace/nginx-test", "network/svc/nginx"]],
  ["can-i", canICommand, ["list", "pods", "-n", "test-namespace", "--as", "alice"]],
  ["who-can", whoCanCommand, ["get", "secrets", "-A"]],
  ["access-matrix", accessMatrixCommand, ["--as", "alice", "-n", "test-namespace"]],
  ["fix", fixCommand, []],
  ["snapshot", snapshotCommand, []],
];

const STACK = /\n\s+at .+:\d+:\d+|TypeError|RangeError|ReferenceError|Maximum call stack/;

let dir: string;
let tenantsFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kubefence-fuzz-"));
  tenantsFile = join(dir, "tenants.yaml");
  writeFileSync(tenantsFile, TENANTS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Skipped-document lines seen over the suite: the check that names them must have had work to do. */
let skippedLines = 0;

/** What every run must satisfy, whatever it was given. */
function expectWellBehaved(run: { code: number | null; stderr: string }, file: string): void {
  expect([0, 1, 2]).toContain(run.code);
  expect(run.stderr).not.toMatch(STACK);
  for (const line of run.stderr.split("\n"))
    if (/document skipped/.test(line)) {
      skippedLines++;
      expect(line.startsWith(`error: ${file}:`), line).toBe(true);
    }
}

describe("fuzzing every command that reads manifests", () => {
  it.each(COMMANDS)(
    "%s: exit 0/1/2, no stack trace, every skipped document named",
    async (name, make, args) => {
      const file = join(dir, `${name}.yaml`);
      const codes: number[] = [];
      await fc.assert(
        fc.asyncProperty(input, async (text) => {
          writeFileSync(file, text);
          const run = await runCommand(make, [
            ...args.map((a) => (a === "TENANTS" ? tenantsFile : a)),
            "-f",
            file,
          ]);
          expectWellBehaved(run, file);
          codes.push(run.code);
        }),
        { numRuns: 25, seed: 12, endOnFailure: true },
      );
      // The inputs are hostile, not hopeless: most runs get past reading and analyse something.
      expect(codes.filter((c) => c !== 2).length).toBeGreaterThan(codes.length / 2);
    },
  );

  it("the built CLI behaves the same: audit, podsec and snapshot in their own process", () => {
    const file = join(dir, "built.yaml");
    fc.assert(
      fc.property(input, fc.constantFrom("audit", "podsec", "snapshot"), (text, command) => {
        writeFileSync(file, text);
        const run = runBuiltCli([command, "-f", file]);
        expectWellBehaved(run, file);
      }),
      { numRuns: 6, seed: 8, endOnFailure: true },
    );
  });

  it("the mutations did make documents unreadable (so the naming check above was exercised)", () => {
    expect(skippedLines).toBeGreaterThan(10);
  });

  it("a mutated tenants file is refused or read, never crashes audit", async () => {
    const demo = join(dir, "demo.yaml");
    writeFileSync(demo, SEED.map((d) => stringify(d)).join("---\n"));
    const file = join(dir, "fuzz-tenants.yaml");
    const seed = parseAllDocuments(TENANTS)[0]!.toJS() as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        writeFileSync(file, stringify(mutate(seed, mutations)));
        const run = await runCommand(auditCommand, ["-f", demo, "--tenants", file]);
        expect([0, 1, 2]).toContain(run.code);
        expect(run.stderr).not.toMatch(STACK);
      }),
      { numRuns: 20, seed: 5, endOnFailure: true },
    );
  });
});
