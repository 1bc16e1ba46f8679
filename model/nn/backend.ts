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

/**
 * The backend that reads an artifact's weights once at load time: the one training
 * chose, if any; otherwise the pure-JS cpu backend, without recording it as the choice,
 * so a later `initBackend('auto')` still picks the fastest one. A loaded model never
 * computes in TF.js (serving runs typed-array code), and the weights only pass through:
 * on cpu their tensors are plain ArrayBuffers the collector returns after `dispose()`,
 * whereas the wasm backend's heap only grows (measured: 66 MB more resident set per
 * loaded copy of the default model, and a server holds one per thread).
 */
export async function initLoadingBackend(): Promise<BackendName> {
  if (initialised) return initialised;
  if (!(await tf.setBackend('cpu'))) throw new Error('the TensorFlow.js cpu backend could not be initialised');
  await tf.ready();
  // The cpu backend's first tensor write prints "install our node backend to speed things up",
  // which would mislead (nothing computes here). Spend that first write now, silenced, and leave
  // TF.js's production flag as it was: it also hides every other TF.js warning.
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    tf.env().set('PROD', prod);
  }
  return 'cpu';
}

export { tf };
