/**
 * Where an object came from: a position in a manifest file (1-based line and column), or a live cluster.
 * Kept on the object under a symbol key so it never leaks into JSON written back out.
 */
export type Origin = { file: string; line: number; column: number } | { cluster: string };

export const ORIGIN: unique symbol = Symbol("kubefence.origin");

export type Located<T> = T & { [ORIGIN]?: Origin };

export function originOf(object: object): Origin | undefined {
  return (object as Located<object>)[ORIGIN];
}

export function setOrigin<T extends object>(object: T, origin: Origin): Located<T> {
  Object.defineProperty(object, ORIGIN, { value: origin, enumerable: false, writable: true });
  return object as Located<T>;
}

/** `file:line:column`, or `cluster CONTEXT`, for messages. */
export function formatOrigin(origin: Origin | undefined): string {
  if (!origin) return "<unknown>";
  return "cluster" in origin ? `cluster ${origin.cluster}` : `${origin.file}:${origin.line}:${origin.column}`;
}
