/** netmap renderers: one line per allowed ordered pair (`SRC => DST : CONNS`), or the namespace matrix. */

import type { Exposure } from "../network/exposure.js";
import type { Connection, NamespaceMatrix } from "../network/model.js";
import { renderTable } from "./table.js";

export const NETMAP_FORMATS = ["txt", "json", "csv", "md", "dot"] as const;
export type NetmapFormat = (typeof NETMAP_FORMATS)[number];

export function renderConnections(connections: Connection[], format: NetmapFormat): string {
  switch (format) {
    case "txt":
      return connections.map((c) => `${c.src} => ${c.dst} : ${c.conns}\n`).join("");
    case "json":
      return `${JSON.stringify({ connections: connections.map(connectionJSON) }, null, 2)}\n`;
    case "csv":
      return `src,dst,conn\n${connections.map((c) => [c.src, c.dst, c.conns.toString()].map(csvField).join(",")).join("\n")}${connections.length > 0 ? "\n" : ""}`;
    case "md":
      return `| src | dst | conn |\n|-----|-----|------|\n${connections.map((c) => `| ${c.src} | ${c.dst} | ${c.conns} |\n`).join("")}`;
    case "dot":
      return dot(connections.map((c) => ({ src: c.src, dst: c.dst, label: c.conns.toString() })));
  }
}

export function connectionJSON(c: Connection) {
  return { src: c.src, dst: c.dst, conn: c.conns.toString(), ports: c.conns.toJSON() };
}

/**
 * The namespace matrix. With `focus` (netmap -n), only the pairs with an end in that namespace — what it
 * reaches and what reaches it — as a list (a grid of one row and one column would hide the rest).
 */
export function renderMatrix(matrix: NamespaceMatrix, format: NetmapFormat, focus?: string): string {
  const shown = matrix.namespaces.map((name, i) => ({ name, i }));
  const cell = (i: number, j: number) => matrix.status(i, j);
  const f = focus === undefined ? -1 : matrix.namespaces.indexOf(focus);
  const pairs = (
    f < 0
      ? shown.flatMap((a) => shown.map((b) => [a, b] as const))
      : [
          ...shown.map((b) => [shown[f]!, b] as const),
          ...shown.filter((a) => a.i !== f).map((a) => [a, shown[f]!] as const),
        ]
  ).map(([a, b]) => ({ src: a.name, dst: b.name, status: cell(a.i, b.i) }));
  const shownStatus = (status: string) => (status === "n/a" ? "-" : status);
  switch (format) {
    case "txt": {
      // Namespace names are case-sensitive: the headers are written as they are.
      const header = f < 0 ? ["FROM \\ TO", ...shown.map((s) => s.name)] : ["FROM", "TO", "STATUS"];
      const rows =
        f < 0
          ? shown.map((a) => [a.name, ...shown.map((b) => shownStatus(cell(a.i, b.i)))])
          : pairs.map((p) => [p.src, p.dst, shownStatus(p.status)]);
      return renderTable(header, rows, { upperCaseHeaders: false });
    }
    case "json":
      return `${JSON.stringify({ namespaces: shown.map((s) => s.name), matrix: pairs }, null, 2)}\n`;
    case "csv":
      return `src,dst,status\n${pairs.map((p) => `${csvField(p.src)},${csvField(p.dst)},${p.status}`).join("\n")}\n`;
    case "md":
      if (f >= 0)
        return `| from | to | status |\n|---|---|---|\n${pairs.map((p) => `| ${p.src} | ${p.dst} | ${p.status} |\n`).join("")}`;
      return `| from \\ to | ${shown.map((s) => s.name).join(" | ")} |\n|${"---|".repeat(shown.length + 1)}\n${shown
        .map((a) => `| ${a.name} | ${shown.map((b) => cell(a.i, b.i)).join(" | ")} |\n`)
        .join("")}`;
    case "dot":
      return dot(
        pairs
          .filter((p) => p.src !== p.dst && (p.status === "full" || p.status === "partial"))
          .map((p) => ({ src: p.src, dst: p.dst, label: p.status })),
      );
  }
}

export function renderExposure(rows: Exposure[], format: NetmapFormat): string {
  const exposed = rows.filter(
    (r) => r.fromAllNamespaces || r.fromOutside || !r.ingressIsolated || !r.egressIsolated,
  );
  const yes = (b: boolean) => (b ? "yes" : "no");
  switch (format) {
    case "json":
      return `${JSON.stringify({ exposure: exposed }, null, 2)}\n`;
    case "csv":
      return `peer,from_all_namespaces,from_outside,ingress_isolated,egress_isolated\n${exposed
        .map((r) =>
          [
            r.peer,
            yes(r.fromAllNamespaces),
            yes(r.fromOutside),
            yes(r.ingressIsolated),
            yes(r.egressIsolated),
          ]
            .map(csvField)
            .join(","),
        )
        .join("\n")}${exposed.length > 0 ? "\n" : ""}`;
    case "md":
      return `| peer | from all namespaces | from outside | ingress isolated | egress isolated |\n|---|---|---|---|---|\n${exposed
        .map(
          (r) =>
            `| ${r.peer} | ${yes(r.fromAllNamespaces)} | ${yes(r.fromOutside)} | ${yes(r.ingressIsolated)} | ${yes(r.egressIsolated)} |\n`,
        )
        .join("")}`;
    default:
      return renderTable(
        ["peer", "from all namespaces", "from outside", "ingress isolated", "egress isolated"],
        exposed.map((r) => [
          r.peer,
          yes(r.fromAllNamespaces),
          yes(r.fromOutside),
          yes(r.ingressIsolated),
          yes(r.egressIsolated),
        ]),
      );
  }
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function dot(edges: { src: string; dst: string; label: string }[]): string {
  const nodes = [...new Set(edges.flatMap((e) => [e.src, e.dst]))].sort();
  const q = (s: string) => JSON.stringify(s);
  return `digraph netmap {\n  rankdir=LR;\n  node [shape=box];\n${nodes
    .map((n) => `  ${q(n)}${n.endsWith("[External]") ? " [shape=ellipse]" : ""};\n`)
    .join("")}${edges.map((e) => `  ${q(e.src)} -> ${q(e.dst)} [label=${q(e.label)}];\n`).join("")}}\n`;
}
