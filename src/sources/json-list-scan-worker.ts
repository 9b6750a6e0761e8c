/** The worker of `startJsonListScan`: scans the shared bytes and sends the scan back (json-list-scan.ts). */
import { type MessagePort, workerData } from "node:worker_threads";
import { type CompactScan, SCAN_DONE, SCAN_STARTED, scanJsonListBytes } from "./json-list-scan.js";

const { bytes, port, state } = workerData as { bytes: Uint8Array; port: MessagePort; state: Int32Array };
Atomics.store(state, 0, SCAN_STARTED);
Atomics.notify(state, 0);
try {
  const scan: CompactScan | undefined = scanJsonListBytes(bytes, 0);
  port.postMessage({ scan }, scan ? [scan.lines.buffer, scan.columns.buffer, scan.nullFree.buffer] : []);
} catch (error) {
  port.postMessage({ error: String(error) });
} finally {
  port.close();
  Atomics.store(state, 0, SCAN_DONE);
  Atomics.notify(state, 0);
}
