/** What a guardrail does when its check fails: deny the request, warn the client (kubectl prints it), or only log. */
export const MODES = ["enforce", "warn", "audit"] as const;
export type Mode = (typeof MODES)[number];

export function isMode(value: unknown): value is Mode {
  return typeof value === "string" && (MODES as readonly string[]).includes(value);
}
