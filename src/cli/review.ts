/**
 * `kubefence review`: SubjectAccessReviews in, the same reviews with `status` out — the batch and
 * differential interface. JSON lines in → JSON lines out; one JSON object or List → the same; YAML → YAML.
 */

import { readFileSync } from "node:fs";
import { Command } from "commander";
import { parseAllDocuments } from "yaml";
import { toYaml } from "../model/yaml-text.js";
import { answerReview, answerReviewLine, type SubjectAccessReview } from "../rbac/subject-access-review.js";
import { terminalSafeText } from "../report/terminal.js";
import { loadRbac } from "./can-i.js";
import { EXIT_USAGE, UsageError } from "./errors.js";
import { writeText } from "./output.js";
import { addSourceOptions, type SourceOptions } from "./source-options.js";

interface ReviewOptions extends SourceOptions {
  requests?: string;
}

type Format = "json" | "json-compact" | "json-lines" | "yaml";

interface Parsed {
  format: Format;
  /** The reviews, and how to put the answers back into the input's shape. */
  reviews: SubjectAccessReview[];
  rebuild: (answered: SubjectAccessReview[]) => unknown[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unwrap(value: unknown, where: string): SubjectAccessReview[] {
  if (!isObject(value)) throw new UsageError(`${where}: expected a SubjectAccessReview object or a List`);
  if (Array.isArray(value.items)) return value.items as SubjectAccessReview[];
  return [value as SubjectAccessReview];
}

/** The lines of a JSON-lines input (more than one line, each a JSON object), or undefined. */
function jsonLinesOf(text: string): string[] | undefined {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (
    lines.length < 2 ||
    !lines.every((line) => line.trimStart().startsWith("{") && line.trimEnd().endsWith("}"))
  )
    return undefined;
  try {
    JSON.parse(lines[0]!);
  } catch {
    return undefined; // one pretty-printed object spread over lines
  }
  return lines;
}

export function parseReviews(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      const whole: unknown = JSON.parse(trimmed);
      const reviews = unwrap(whole, "input");
      const format: Format = trimmed.includes("\n") ? "json" : "json-compact";
      return {
        format,
        reviews,
        rebuild: (answered) => [
          isObject(whole) && Array.isArray(whole.items) ? { ...whole, items: answered } : answered[0],
        ],
      };
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // not one JSON document: JSON lines
    }
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    const reviews = lines.map((line, i) => {
      try {
        return JSON.parse(line) as SubjectAccessReview;
      } catch (error) {
        throw new UsageError(`line ${i + 1}: ${(error as Error).message}`);
      }
    });
    return { format: "json-lines", reviews, rebuild: (answered) => answered };
  }
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  const values = docs.map((doc, i) => {
    if (doc.errors.length > 0) throw new UsageError(`document ${i + 1}: ${doc.errors[0]!.message}`);
    return doc.toJSON() as unknown;
  });
  const shapes = values.map((value, i) => ({ value, reviews: unwrap(value, `document ${i + 1}`) }));
  return {
    format: "yaml",
    reviews: shapes.flatMap((s) => s.reviews),
    rebuild: (answered) => {
      let at = 0;
      return shapes.map(({ value, reviews }) => {
        const mine = answered.slice(at, at + reviews.length);
        at += reviews.length;
        return isObject(value) && Array.isArray(value.items) ? { ...value, items: mine } : mine[0];
      });
    },
  };
}

export function formatReviews(format: Format, documents: unknown[]): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(documents[0], null, 2)}\n`;
    case "json-compact":
      return `${JSON.stringify(documents[0])}\n`;
    case "json-lines":
      return documents.map((d) => `${JSON.stringify(d)}\n`).join("");
    case "yaml":
      return documents.map((d) => toYaml(d)).join("---\n");
  }
}

export function reviewCommand(): Command {
  const command = new Command("review")
    .description("answer SubjectAccessReviews (authorization.k8s.io/v1) as the API server would")
    .requiredOption(
      "--requests <file>",
      "SubjectAccessReviews: a file or - for stdin; one object, a List, JSON lines or YAML",
    )
    .addHelpText(
      "after",
      `
Each review comes back in the same order and format with status.allowed and status.reason filled in, as the
API server's SubjectAccessReview endpoint answers it: the user is exactly spec.user and spec.groups (nothing
is added). An invalid review (no user or group; both or neither of resourceAttributes and
nonResourceAttributes) gets status.evaluationError and the command exits 2.

Examples:
  # JSON lines in, JSON lines out
  echo '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"bob","resourceAttributes":{"verb":"list","resource":"pods","namespace":"kube-system"}}}' \\
    | kubefence review --requests - --demo

  # A file of reviews against manifests
  kubefence review --requests reviews.yaml -f k8s/`,
    )
    .action(async (options: ReviewOptions) => {
      const path = options.requests!;
      let text: string;
      try {
        text = readFileSync(path === "-" ? 0 : path, "utf8");
      } catch (error) {
        throw new UsageError(`cannot read --requests ${path}: ${(error as Error).message}`);
      }
      const { authorizer } = await loadRbac(options);
      const invalidMessage = (errors: string[]) =>
        `SubjectAccessReview.authorization.k8s.io "" is invalid: ${errors.join(", ")}`;
      const jsonLines = jsonLinesOf(text);
      if (jsonLines) {
        const out: string[] = [];
        let bad = 0;
        jsonLines.forEach((line, i) => {
          let answer: ReturnType<typeof answerReviewLine>;
          try {
            answer = answerReviewLine(authorizer, line);
          } catch (error) {
            throw new UsageError(`line ${i + 1}: ${(error as Error).message}`);
          }
          if (answer.ok) out.push(answer.line);
          else {
            bad++;
            const message = invalidMessage(answer.errors);
            process.stderr.write(terminalSafeText(`error: review ${i + 1}: ${message}\n`));
            out.push(
              JSON.stringify({ ...answer.review, status: { allowed: false, evaluationError: message } }),
            );
          }
        });
        writeText(out.length > 0 ? `${out.join("\n")}\n` : "");
        if (bad > 0) process.exitCode = EXIT_USAGE;
        return;
      }
      const parsed = parseReviews(text);
      let invalid = 0;
      const answered = parsed.reviews.map((review, i) => {
        const answer = answerReview(authorizer, review);
        if (answer.ok) return answer.review;
        invalid++;
        const message = invalidMessage(answer.errors);
        process.stderr.write(terminalSafeText(`error: review ${i + 1}: ${message}\n`));
        return { ...review, status: { allowed: false, evaluationError: message } };
      });
      process.stdout.write(formatReviews(parsed.format, parsed.rebuild(answered)));
      if (invalid > 0) process.exitCode = EXIT_USAGE;
    });
  return addSourceOptions(command);
}
