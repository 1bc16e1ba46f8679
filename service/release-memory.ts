import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * One full garbage collection, now. Called once after a model (re)load: loading reads the
 * artifact's files and passes the weights through TF.js, which leaves ~100 MB of
 * transient copies per copy of the default model. The collector would return them only
 * minutes later, under load (measured: a default server's resident set fell from 497 to
 * 288 MB during a two-minute soak), so the memory a deployment sees after start-up would
 * not be the memory it runs in. Node exposes the collector only behind `--expose-gc`;
 * setting the flag at run time makes it available to a new context (the documented V8
 * flag; nothing else changes). Returns false where that is not possible.
 */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') gc = exposed as () => void;
    else {
      try {
        setFlagsFromString('--expose-gc');
        const fn: unknown = runInNewContext('gc');
        gc = typeof fn === 'function' ? (fn as () => void) : null;
      } catch {
        gc = null;
      }
    }
  }
  if (!gc) return false;
  gc();
  return true;
}
