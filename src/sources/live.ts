/** Live cluster source — placeholder until the live source lands. */
import type { LoadResult } from "./build.js";
import { InputError } from "./manifests.js";

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Report progress (kinds and objects listed) on a TTY. */
  onProgress?: (message: string) => void;
}

export async function loadLive(_options: LiveOptions): Promise<LoadResult> {
  throw new InputError("reading a live cluster is not implemented yet; use -f or --demo");
}
