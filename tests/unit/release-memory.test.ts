import { collectGarbage } from '../../service/release-memory.js';

describe('collectGarbage (after a model load)', () => {
  it('runs a full collection now: an unreachable 64 MB buffer is gone afterwards', async () => {
    let ref: WeakRef<Uint8Array> | undefined;
    (() => {
      ref = new WeakRef(new Uint8Array(64 << 20).fill(1));
    })();
    await new Promise((r) => setImmediate(r));
    expect(ref?.deref()).toBeDefined();
    // A WeakRef's target survives the job that created or dereferenced it; collect after that job.
    await new Promise((r) => setImmediate(r));
    expect(collectGarbage()).toBe(true);
    expect(ref?.deref()).toBeUndefined();
  });

  it('keeps what is still referenced', async () => {
    const live = new Uint8Array(1 << 20).fill(7);
    const ref = new WeakRef(live);
    await new Promise((r) => setImmediate(r));
    expect(collectGarbage()).toBe(true);
    expect(ref.deref()).toBe(live);
    expect(live[123]).toBe(7);
  });
});
