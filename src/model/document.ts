/** A document as read from text or an API (src/sources/documents.ts), before the admission boundary types it. */
import type { Origin } from "./origin.js";

/** A field's place in a document: keys and list indices. */
export type Path = readonly (string | number)[];

/** One parsed document (or `List` item) and a way to find where a field of it was written. */
export interface RawDocument {
  value: unknown;
  /** Where the document starts. */
  origin: Origin;
  /** Where the field at `path` (relative to this document) was written; the nearest existing parent if absent. */
  locate(path: Path): Origin;
  /** True when the reader knows `value` holds no `null`: decoding nulls then has nothing to look for. */
  nullFree?: boolean;
  /** A List read item by item: 1 for each item that holds no `null`, as `nullFree` says of a document. */
  nullFreeItems?: Uint8Array;
  /**
   * True when `value` is this document's alone (parsed from its text, sharing no object with another
   * document, read by nothing else): admission then types and defaults it in place instead of a copy.
   */
  owned?: boolean;
}
