import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

let initialised: BackendName | undefined;

/**
 * Picks the fastest TensorFlow.js backend that works on this machine.
 *
 * `@tensorflow/tfjs-node` is an optional dependency: it installs on GitHub runners and
 * in the container but not where libtensorflow cannot be downloaded, so it is loaded
 * with a guarded dynamic import. The wasm backend is the fallback (it has SIMD matmul,
 * ~30x the pure-JS cpu backend here); cpu is last.
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendName> {
  if (initialised && (preference === 'auto' || preference === initialised)) return initialised;
  const order: BackendName[] = preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // A variable specifier keeps TypeScript from requiring the optional package's types.
        const nodeBackend = '@tensorflow/tfjs-node';
        await import(nodeBackend);
      } else if (name === 'wasm') {
        await import('@tensorflow/tfjs-backend-wasm');
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        initialised = name;
        return name;
      }
      failures.push(`${name}: setBackend returned false`);
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${failures.join('; ')})`);
}

export { tf };
