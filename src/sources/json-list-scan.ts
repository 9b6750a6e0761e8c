/**
 * One scan of a JSON List's bytes (`kubectl get -o json`, `kubefence snapshot`): where each item starts, how
 * deep the text nests (so that no walk of the parsed tree checks it) and which items hold no `null` (so that
 * decoding skips its walk of them). A large file is scanned in a worker thread while this thread parses it:
 * the scan then costs no time (0.5 s of 243 MB otherwise).
 */
import { Buffer, isAscii } from "node:buffer";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Origin } from "../model/origin.js";

export interface JsonListScan {
  /** Where each element of the array starts (its first character, 1-based line and column). */
  origins: Origin[];
  /** 1 for each element without a `null` (outside strings, the only JSON token with an `n`). */
  nullFree: Uint8Array;
  /** How deep the text nests: the most brackets open at once (outside strings). */
  maxDepth: number;
  /**
   * Whether the array might not be the `items` that JSON.parse keeps: another top-level string is `items` or
   * has an escape (a second `items` key).
   */
  dubious: boolean;
}

/** The scan without its file name: what a worker sends back, in typed arrays. */
export interface CompactScan {
  lines: Int32Array<ArrayBuffer>;
  columns: Int32Array<ArrayBuffer>;
  nullFree: Uint8Array<ArrayBuffer>;
  maxDepth: number;
  dubious: boolean;
}

/** Smaller texts are scanned in this thread: starting a worker costs about what scanning 16 MB does. */
export const SCAN_IN_WORKER_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Where each element of the top-level `"items"` array of a JSON object starts, by one scan of its UTF-8
 * bytes (strings skipped, depth counted); columns count UTF-16 code units, as the text's do. Undefined when
 * the text has no such array. The text is JSON that parsed: up to the array every token is looked at (for the
 * top-level keys); within it, each element is run through to its end with only strings, brackets, commas,
 * newlines and the `n` of `null` told apart.
 */
export function scanJsonList(bytes: Uint8Array, file: string, lineOffset: number): JsonListScan | undefined {
  const compact = scanJsonListBytes(bytes, lineOffset);
  return compact && expandScan(compact, file);
}

function expandScan(scan: CompactScan, file: string): JsonListScan {
  const origins: Origin[] = new Array(scan.lines.length);
  for (let k = 0; k < origins.length; k++)
    origins[k] = { file, line: scan.lines[k]!, column: scan.columns[k]! };
  return { origins, nullFree: scan.nullFree, maxDepth: scan.maxDepth, dubious: scan.dubious };
}

export function scanJsonListBytes(b: Uint8Array, lineOffset: number): CompactScan | undefined {
  const length = b.length;
  const column = columnCounter(b);
  let depth = 0;
  let maxDepth = 0;
  let line = 1 + lineOffset;
  let lineStart = 0;
  let lastKeyIsItems = false;
  let itemsKeys = 0;
  let escapedKey = false;
  let i = 0;
  for (; ; i++) {
    if (i >= length) return undefined;
    const c = b[i];
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 34 /* " */) {
      // Strings are most of the text: run to the closing quote.
      const start = i;
      i = stringEnd(b, i);
      if (depth === 1) {
        lastKeyIsItems = isItems(b, start + 1, i);
        if (lastKeyIsItems) itemsKeys++;
        else if (hasBackslash(b, start + 1, i)) escapedKey = true;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) maxDepth = depth;
      if (depth === 2 && c === 91 && lastKeyIsItems) break;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  const lines: number[] = [];
  const columns: number[] = [];
  const nullFree: number[] = [];
  // i is at the array's `[`: each turn reads the whitespace before an element (or the closing `]`), the
  // element, and the whitespace and `,` after it.
  for (i++; ; i++) {
    let c = b[i];
    for (; c === 32 || c === 10 || c === 9 || c === 13; c = b[++i])
      if (c === 10) {
        line++;
        lineStart = i + 1;
      }
    if (c === 93 /* ] */ || i >= length) break; // `[]`, or a text that does not parse
    lines.push(line);
    columns.push(column(lineStart, i));
    let free = 1;
    // Brackets open within the element; it ends where they close, or at a `,` or `]` outside them.
    let open = 0;
    for (; i < length; i++) {
      c = b[i];
      if (c === 34 /* " */) i = stringEnd(b, i);
      else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (++open + 2 > maxDepth) maxDepth = open + 2;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (open === 0) break;
        if (--open === 0) {
          i++;
          break;
        }
      } else if (c === 44 /* , */) {
        if (open === 0) break;
      } else if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c === 110 /* n */) free = 0; // outside strings, only `null` has an n
    }
    nullFree.push(free);
    for (c = b[i]; c === 32 || c === 10 || c === 9 || c === 13; c = b[++i])
      if (c === 10) {
        line++;
        lineStart = i + 1;
      }
    if (c !== 44 /* , */) break;
  }
  if (i >= length) return undefined;
  // The rest of the text is only read for its depth and its top-level keys.
  const rest = scanRest(b, i + 1);
  return {
    lines: Int32Array.from(lines),
    columns: Int32Array.from(columns),
    nullFree: Uint8Array.from(nullFree),
    maxDepth: Math.max(maxDepth, rest.maxDepth),
    dubious: escapedKey || itemsKeys + rest.itemsKeys !== 1,
  };
}

/**
 * The 1-based column of byte `at` on the line starting at byte `lineStart`, in UTF-16 code units. ASCII has
 * one unit per byte; otherwise the bytes between two ASCII characters are decoded (exact, whatever they hold),
 * from the last place asked on the same line, so that a one-line text costs one decoding in all.
 */
function columnCounter(b: Uint8Array): (lineStart: number, at: number) => number {
  if (isAscii(b)) return (lineStart, at) => at - lineStart + 1;
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let lastLineStart = -1;
  let lastAt = 0;
  let units = 0;
  return (lineStart, at) => {
    if (lineStart !== lastLineStart) {
      lastLineStart = lastAt = lineStart;
      units = 0;
    }
    units += text.toString("utf8", lastAt, at).length;
    lastAt = at;
    return units + 1;
  };
}

/** Where the string opened by the quote at `open` closes (a quote not escaped by a `\`), or the text's end. */
function stringEnd(b: Uint8Array, open: number): number {
  for (let i = open + 1; i < b.length; i++) {
    const c = b[i];
    if (c === 34 /* " */) return i;
    if (c === 92 /* \ */) i++;
  }
  return b.length;
}

/** Whether bytes [from, to) are `items`. */
function isItems(b: Uint8Array, from: number, to: number): boolean {
  return (
    to - from === 5 &&
    b[from] === 105 &&
    b[from + 1] === 116 &&
    b[from + 2] === 101 &&
    b[from + 3] === 109 &&
    b[from + 4] === 115
  );
}

function hasBackslash(b: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (b[k] === 92) return true;
  return false;
}

/** The depth and the top-level `items` (or escaped) keys of the text after the items array (depth 1 there). */
function scanRest(b: Uint8Array, from: number): { itemsKeys: number; maxDepth: number } {
  let depth = 1;
  let maxDepth = 1;
  let itemsKeys = 0;
  for (let i = from; i < b.length; i++) {
    const c = b[i];
    if (c === 34 /* " */) {
      const start = i;
      i = stringEnd(b, i);
      if (depth === 1 && (isItems(b, start + 1, i) || hasBackslash(b, start + 1, i))) itemsKeys++;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return { itemsKeys, maxDepth };
}

/** A scan under way, asked for once its text has parsed; `dispose` ends it when it is not asked for. */
export interface PendingScan {
  result(): JsonListScan | undefined;
  dispose(): void;
  /** Who scanned (or will): a worker, or this thread (a small text, no worker, or a worker that failed). */
  readonly by: "worker" | "this thread";
}

/** The worker is the built module's sibling; from TypeScript sources (tests) the scan runs in this thread. */
const WORKER = import.meta.url.endsWith(".js")
  ? new URL("./json-list-scan-worker.js", import.meta.url)
  : undefined;
/** A worker that has not started by then is taken for one that cannot (it scans in well under that). */
const START_TIMEOUT_MS = 2_000;
const SCAN_TIMEOUT_MS = 60_000;

/** Worker states in `state[0]`. */
export const SCAN_STARTED = 1;
export const SCAN_DONE = 2;

/**
 * Starts scanning `bytes` (a large file's, in shared memory, and `text` decoded from them) in a worker thread,
 * so that it runs while this thread parses the text; a text too small, or no worker, is scanned in this thread
 * when its result is asked. `minBytes` is lowered only by tests, to run the worker on small texts.
 */
export function startJsonListScan(
  bytes: Uint8Array,
  text: string,
  file: string,
  minBytes = SCAN_IN_WORKER_MIN_BYTES,
): PendingScan {
  const inWorker =
    WORKER && bytes.buffer instanceof SharedArrayBuffer && bytes.length >= minBytes
      ? scanInWorker(WORKER, bytes, text, file)
      : undefined;
  return inWorker ?? { result: () => scanJsonList(bytes, file, 0), dispose: () => {}, by: "this thread" };
}

/**
 * No closure here holds `bytes`: once this thread's objects for them die (young, in the parse's first minor
 * collection) and the worker ends, the file's memory is freed, not kept until the next full collection.
 * Should the worker fail, the text is scanned here.
 */
function scanInWorker(url: URL, bytes: Uint8Array, text: string, file: string): PendingScan | undefined {
  let by: PendingScan["by"] = "worker";
  const here = () => {
    by = "this thread";
    return scanJsonList(Buffer.from(text), file, 0);
  };
  const state = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: { bytes, port: port2, state }, transferList: [port2] });
  } catch {
    return undefined;
  }
  worker.unref();
  // A worker that fails is seen by its state; its error event must not end the process.
  worker.on("error", () => {});
  const dispose = () => {
    port1.close();
    void worker.terminate();
  };
  return {
    result: () => {
      try {
        if (Atomics.wait(state, 0, 0, START_TIMEOUT_MS) === "timed-out") return here();
        Atomics.wait(state, 0, SCAN_STARTED, SCAN_TIMEOUT_MS);
        const message = receiveMessageOnPort(port1)?.message as { scan?: CompactScan } | undefined;
        if (!message || !("scan" in message)) return here();
        return message.scan && expandScan(message.scan, file);
      } finally {
        dispose();
      }
    },
    dispose,
    get by() {
      return by;
    },
  };
}
