/**
 * The serving certificate, re-read when its files change (cert-manager and kubelet rotate mounted Secrets by
 * swapping a symlink, which changes the files' mtime). Polling stat works across those swaps where inotify
 * watches on the old inode would not. A half-rotated pair (new cert, old key) is refused and the previous
 * pair kept until the other file follows.
 */
import { readFileSync, type StatWatcher, unwatchFile, watchFile } from "node:fs";
import { createSecureContext } from "node:tls";

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

export function readKeyPair(certFile: string, keyFile: string): KeyPair {
  const pair = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  createSecureContext(pair); // throws on unreadable PEM or a key that does not match the certificate
  return pair;
}

/** Calls `onChange` with the new pair (or the error) whenever either file changes. Returns a stop function. */
export function watchKeyPair(
  certFile: string,
  keyFile: string,
  intervalMs: number,
  onChange: (result: { pair?: KeyPair; error?: string }) => void,
): () => void {
  const listener = () => {
    try {
      onChange({ pair: readKeyPair(certFile, keyFile) });
    } catch (error) {
      onChange({ error: error instanceof Error ? error.message : String(error) });
    }
  };
  const watchers: StatWatcher[] = [certFile, keyFile].map((file) =>
    watchFile(file, { interval: intervalMs, persistent: false }, listener),
  );
  return () => {
    for (const file of [certFile, keyFile]) unwatchFile(file, listener);
    watchers.length = 0;
  };
}
