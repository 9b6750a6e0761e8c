/**
 * No plain object is looked up by a key that may come from a cluster, a manifest or the command line: a key
 * such as `constructor`, `toString` or `__proto__` finds Object.prototype's member instead of nothing (a
 * tenant's Group named `constructor` once crashed every audit). This test reads every src/**\/*.ts as text,
 * with comments and the contents of string and template literals masked, and fails on:
 *
 * 1. a computed-key access `X[key]` / `X?.[key]` (read or write) where X's last name is a Kubernetes JSON map
 *    (`labels`, `annotations`, `selector`, `matchLabels`, `nodeSelector`, `unknownKinds`, `data`,
 *    `stringData`, `extra`), or a name declared with a `Record<string, …>` type (or an alias of one) in the
 *    same file, or a property declared `Record<string, …>` anywhere in src (matched as `.name[key]`);
 * 2. `key in X` with a non-literal key.
 *
 * A key is safe when it is a string literal, a template literal that starts with constant text (`x/${a}`
 * cannot be a prototype member), an UPPER_CASE constant, or a number literal. A hit is accepted when its line
 * calls `Object.hasOwn(`, or its line or the line above carries a `// prototype-safe: <why>` comment (e.g. the
 * object has a null prototype, or the keys are the object's own keys).
 *
 * What it cannot see: lookups into a value whose type is a Record only by inference (no declaration with the
 * name in the file, e.g. a function's return value indexed directly), maps under names not listed above, a
 * Record declared in one file and indexed through a bare variable in another, and `Object.hasOwn` on the
 * line that guards some other access. The behavioural tests (test/architecture/prototype-names.test.ts,
 * test/tenancy/hostile-names.test.ts) cover what the commands actually do with such names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");

const JSON_MAPS = [
  "labels",
  "annotations",
  "selector",
  "matchLabels",
  "nodeSelector",
  "unknownKinds",
  "data",
  "stringData",
  "extra",
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/**
 * The code with comments blanked and literal contents replaced by `_` (newlines kept, so lines match). A
 * template literal's first character is `$` when it starts with a substitution. Regex literals are told
 * from division by the previous significant character, which is enough for this code base.
 */
function maskCode(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  const fill = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = "_";
  };
  let i = 0;
  let lastSignificant = "";
  // Stack of brace depths at which a template substitution `${` was opened.
  const templates: number[] = [];
  let depth = 0;
  const scanTemplate = (start: number): number => {
    // start is just after the opening backtick or the closing `}` of a substitution.
    let k = start;
    while (k < text.length) {
      const ch = text[k]!;
      if (ch === "\\") k += 2;
      else if (ch === "`") {
        fill(start, k);
        return k + 1;
      } else if (ch === "$" && text[k + 1] === "{") {
        fill(start, k);
        if (k === start) out[k] = "$";
        templates.push(depth);
        depth++;
        return -(k + 2);
      } else k++;
    }
    fill(start, k);
    return k;
  };
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (ch === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (ch === '"' || ch === "'") {
      let k = i + 1;
      while (k < text.length && text[k] !== ch && text[k] !== "\n") k += text[k] === "\\" ? 2 : 1;
      fill(i + 1, k);
      i = k + 1;
      lastSignificant = ch;
    } else if (ch === "`") {
      const r = scanTemplate(i + 1);
      i = r < 0 ? -r : r;
      lastSignificant = "`";
    } else if (ch === "/" && (lastSignificant === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant))) {
      // A regex literal.
      let k = i + 1;
      let inClass = false;
      while (k < text.length && text[k] !== "\n") {
        const c = text[k]!;
        if (c === "\\") k++;
        else if (c === "[") inClass = true;
        else if (c === "]") inClass = false;
        else if (c === "/" && !inClass) break;
        k++;
      }
      fill(i + 1, k);
      i = k + 1;
      lastSignificant = "/";
    } else if (ch === "{") {
      depth++;
      i++;
      lastSignificant = ch;
    } else if (ch === "}") {
      depth--;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        const r = scanTemplate(i + 1);
        i = r < 0 ? -r : r;
        lastSignificant = "`";
      } else {
        i++;
        lastSignificant = ch;
      }
    } else {
      if (!/\s/.test(ch)) {
        // `return /x/` and `typeof` etc.: a keyword before `/` starts a regex.
        const word = /[\w$]/.test(ch) && !/[\w$]/.test(text[i + 1] ?? "");
        const keyword = word && /\b(return|typeof|case|of|in)$/.test(text.slice(Math.max(0, i - 7), i + 1));
        lastSignificant = keyword ? "=" : /[\w$]/.test(ch) ? "a" : ch;
      }
      i++;
    }
  }
  return out.join("");
}

/** The argument of the bracket starting at `open` (balanced), or undefined if it does not close on the line. */
function bracketArgument(line: string, open: number): string | undefined {
  let level = 0;
  for (let k = open; k < line.length; k++) {
    if (line[k] === "[") level++;
    else if (line[k] === "]" && --level === 0) return line.slice(open + 1, k).trim();
  }
  return undefined;
}

function safeKey(key: string): boolean {
  return /^["']/.test(key) || /^`[^$]/.test(key) || /^[A-Z][A-Z0-9_]*$/.test(key) || /^\d+$/.test(key);
}

/** Names declared with a `Record<string, …>` type, and type aliases of one, in masked code. */
function recordNames(code: string): { locals: Set<string>; properties: Set<string> } {
  const aliases = new Set<string>(["OutgoingHttpHeaders"]);
  for (const m of code.matchAll(/\btype\s+(\w+)\s*=\s*(?:Readonly<)?Record<string\b/g)) aliases.add(m[1]!);
  const types = `(?:Readonly<)?(?:Record<string\\b|(?:${[...aliases].join("|")})\\b)`;
  const locals = new Set<string>();
  const properties = new Set<string>();
  for (const m of code.matchAll(new RegExp(`\\b(\\w+)\\??\\s*:\\s*${types}`, "g"))) {
    locals.add(m[1]!);
    properties.add(m[1]!);
  }
  return { locals, properties };
}

interface Hit {
  file: string;
  line: number;
  text: string;
}

function scan(sources: { path: string; text: string }[]): Hit[] {
  const files = sources.map((s) => ({ ...s, code: maskCode(s.text) }));
  const properties = new Set<string>();
  for (const f of files) for (const p of recordNames(f.code).properties) properties.add(p);
  const hits: Hit[] = [];
  for (const f of files) {
    const { locals } = recordNames(f.code);
    const lines = f.text.split("\n");
    const codeLines = f.code.split("\n");
    codeLines.forEach((code, n) => {
      const original = lines[n]!;
      const accepted =
        original.includes("Object.hasOwn(") ||
        /prototype-safe:/.test(original) ||
        (n > 0 && /\/\/\s*prototype-safe:/.test(lines[n - 1]!));
      if (accepted) return;
      const risky: string[] = [];
      for (const m of code.matchAll(/(\.)?\b([A-Za-z_$][\w$]*)(\?\.)?\[/g)) {
        const name = m[2]!;
        const isProperty = m[1] === ".";
        const known = JSON_MAPS.includes(name) || locals.has(name) || (isProperty && properties.has(name));
        if (!known) continue;
        const key = bracketArgument(code, m.index! + m[0].length - 1);
        if (key === undefined || key === "" || safeKey(key)) continue;
        risky.push(`${name}[${key}]`);
      }
      for (const m of code.matchAll(/(^|[^\w$.])([A-Za-z_$][\w$.]*)\s+in\s+[A-Za-z_$(]/g)) {
        const before = code.slice(0, m.index! + m[1]!.length);
        if (/\bfor\s*\(\s*(const|let|var)\s*$/.test(before)) continue;
        if (/^(const|let|var|of|in)$/.test(m[2]!)) continue;
        risky.push(`${m[2]} in …`);
      }
      if (risky.length > 0)
        hits.push({ file: f.path, line: n + 1, text: `${risky.join(", ")}: ${original.trim()}` });
    });
  }
  return hits;
}

describe("no plain object is keyed by cluster-supplied strings", () => {
  it("every computed lookup into a label map or Record<string, …> in src/ is guarded by Object.hasOwn or explained", () => {
    const sources = sourceFiles(SRC).map((path) => ({
      path: relative(ROOT, path),
      text: readFileSync(path, "utf8"),
    }));
    expect(sources.length).toBeGreaterThan(100);
    const hits = scan(sources).map((h) => `${h.file}:${h.line}: ${h.text}`);
    expect(hits).toEqual([]);
  });

  it("the scan catches the lookup that crashed audit on a Group named constructor, and the other risky forms", () => {
    const text = [
      "const BROAD: Record<string, string> = { 'system:authenticated': 'high' };",
      "const severity = BROAD[group] ?? 'info';",
      "if (key in policy) {}",
      "const bad = metadata.labels?.[key];",
      "const cell = row.verbs[verb];",
      "interface Row { verbs: Record<string, boolean> }",
    ].join("\n");
    expect(scan([{ path: "sample.ts", text }]).map((h) => h.line)).toEqual([2, 3, 4, 5]);
  });

  it("the scan accepts literal and constant-prefixed keys, Object.hasOwn and an explained lookup", () => {
    const text = [
      "const TABLE: Record<string, string> = {};",
      "const a = labels['app'] ?? labels[\"tier\"] ?? labels[ENFORCE_LABEL];",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
      "const b = labels[`app.kubernetes.io/${k}`];",
      "const c = Object.hasOwn(TABLE, k) ? TABLE[k] : undefined;",
      "// prototype-safe: TABLE has a null prototype",
      "const d = TABLE[k];",
      "for (const key in TABLE) {}",
      'const e = "x[y] in z"; // labels[key]',
    ].join("\n");
    expect(scan([{ path: "sample.ts", text }])).toEqual([]);
  });

  it("masking hides strings, comments and regex literals but keeps the code and the line count", () => {
    const text =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
      'const a = "x[y] in z"; // b[c]\nconst r = /[a-z]\\/"/g; const t = `${u[v]} w`;\n/* p\nq */ s[t];';
    const masked = maskCode(text);
    expect(masked.split("\n")).toHaveLength(text.split("\n").length);
    expect(masked).not.toContain("x[y]");
    expect(masked).not.toContain("b[c]");
    expect(masked).toContain("s[t]");
    expect(masked).toContain("u[v]");
    expect(masked.split("\n")[1]).toMatch(/const t = `\$\{u\[v\]\}__`/);
  });
});
