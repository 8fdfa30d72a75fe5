/**
 * The API process's V8 memory setting (API_OPTIMIZE_FOR_SIZE, off by default). The API holds one
 * open request per waiting client, each alive for the provider's whole latency, so on V8's defaults
 * its heap grows to several times what is live before a full collection. `--optimize-for-size`
 * keeps the young generation small and old-space growth conservative: with 5,000 waiting requests
 * (bench scenario 7) the peak RSS falls from ~225 MB to ~170 MB, at nearly twice the CPU per request.
 *
 * Set from the process itself rather than on every command line that starts it (npm scripts,
 * scripts/start.ts, the Dockerfile, k8s), so there is one home for it. V8 reads this flag while it
 * runs (its heap-sizing decisions ask it each time), so setting it after start takes effect from then on.
 */
import { setFlagsFromString } from 'node:v8';

export function applyV8MemorySetting(optimizeForSize: boolean): void {
  if (optimizeForSize && !process.execArgv.includes('--optimize-for-size')) {
    setFlagsFromString('--optimize-for-size');
  }
}
