import { MicroBatcher } from '../../service/batcher.js';

/** A fake model whose score is the text's length, so every answer can be checked. */
function recorder(): { calls: { model: string; texts: string[] }[]; score: (model: string, texts: readonly string[]) => number[] } {
  const calls: { model: string; texts: string[] }[] = [];
  return { calls, score: (model, texts) => (calls.push({ model, texts: [...texts] }), texts.map((t) => t.length)) };
}

/** An asynchronous fake model: each call waits until the test releases it, then scores `answer(texts)`. */
function heldModel(answer: (texts: readonly string[]) => number[] = (texts) => texts.map((t) => t.length)): {
  calls: string[][];
  releases: (() => void)[];
  score: (model: string, texts: readonly string[]) => Promise<number[]>;
} {
  const calls: string[][] = [];
  const releases: (() => void)[] = [];
  const score = (_m: string, texts: readonly string[]): Promise<number[]> =>
    new Promise((resolve) => {
      calls.push([...texts]);
      releases.push(() => resolve(answer(texts)));
    });
  return { calls, releases, score };
}

describe('MicroBatcher', () => {
  it('groups concurrent requests into one model call and gives each its own scores in order', async () => {
    const r = recorder();
    const sizes: number[] = [];
    const b = new MicroBatcher(r.score, { maxTexts: 32, maxWaitMs: 20 }, (n) => sizes.push(n));
    const answers = await Promise.all([b.score('m', ['a']), b.score('m', ['bb', 'ccc']), b.score('m', ['dddd'])]);
    expect(answers).toEqual([[1], [2, 3], [4]]);
    expect(r.calls).toEqual([{ model: 'm', texts: ['a', 'bb', 'ccc', 'dddd'] }]);
    expect(sizes).toEqual([4]);
  });

  it('calls at once when the batch is full, without waiting for the timer', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.score, { maxTexts: 3, maxWaitMs: 60_000 }, () => undefined);
    const answers = await Promise.all([b.score('m', ['a']), b.score('m', ['b']), b.score('m', ['c'])]);
    expect(answers).toEqual([[1], [1], [1]]);
    expect(r.calls).toHaveLength(1);
    expect(b.pending).toBe(0);
  });

  it('never splits a request: one that would overflow the batch starts the next one', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.score, { maxTexts: 4, maxWaitMs: 10 });
    const answers = await Promise.all([b.score('m', ['a', 'b']), b.score('m', ['cc', 'dd', 'ee']), b.score('m', ['f', 'g', 'h', 'i', 'j', 'k'])]);
    expect(answers).toEqual([[1, 1], [2, 2, 2], [1, 1, 1, 1, 1, 1]]);
    expect(r.calls.map((c) => c.texts.length)).toEqual([2, 3, 6]);
  });

  it('with maxTexts 1 scores every request in its own call, synchronously', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.score, { maxTexts: 1, maxWaitMs: 50 });
    const p = b.score('m', ['x']);
    expect(r.calls).toHaveLength(1);
    b.score('m', ['y', 'z']).catch(() => undefined);
    expect(r.calls).toHaveLength(2);
    expect(await p).toEqual([1]);
  });

  it('with maxWaitMs 0 groups what arrives in the same event-loop turn, without a timer', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.score, { maxTexts: 32, maxWaitMs: 0 });
    const first = Promise.all([b.score('m', ['a']), b.score('m', ['bb'])]);
    expect(r.calls).toHaveLength(0);
    expect(await first).toEqual([[1], [2]]);
    expect(r.calls).toEqual([{ model: 'm', texts: ['a', 'bb'] }]);
    // A request in a later turn is its own call.
    expect(await b.score('m', ['ccc'])).toEqual([3]);
    expect(r.calls).toHaveLength(2);
  });

  it('answers each request with the model it was admitted with (hot reload between admission and flush)', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.score, { maxTexts: 32, maxWaitMs: 10 });
    await Promise.all([b.score('old', ['a']), b.score('new', ['b']), b.score('old', ['c'])]);
    expect(r.calls).toEqual([
      { model: 'old', texts: ['a', 'c'] },
      { model: 'new', texts: ['b'] },
    ]);
  });

  it('rejects only the requests of a failing model call', async () => {
    const b = new MicroBatcher<string>(
      (model, texts) => {
        if (model === 'broken') throw new Error('model exploded');
        return texts.map(() => 0.5);
      },
      { maxTexts: 32, maxWaitMs: 10 },
    );
    const [good, bad] = await Promise.allSettled([b.score('ok', ['a']), b.score('broken', ['b'])]);
    expect(good).toEqual({ status: 'fulfilled', value: [0.5] });
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('model exploded') });
  });

  it('refuses a model that returns the wrong number of scores, and bad options', async () => {
    const b = new MicroBatcher<string>(() => [1], { maxTexts: 8, maxWaitMs: 0 });
    await expect(b.score('m', ['a', 'b'])).rejects.toThrow('model returned 1 scores for 2 texts');
    expect(() => new MicroBatcher(() => [], { maxTexts: 0, maxWaitMs: 1 })).toThrow('maxTexts must be a positive integer');
    expect(() => new MicroBatcher(() => [], { maxTexts: 1, maxWaitMs: -1 })).toThrow('maxWaitMs must be >= 0');
  });

  it('with an asynchronous model runs at most maxInFlight calls, and what arrives meanwhile forms the next batch', async () => {
    const { calls, releases, score } = heldModel();
    const b = new MicroBatcher<string>(score, { maxTexts: 32, maxWaitMs: 0, maxInFlight: 1 });
    const first = b.score('m', ['a']);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([['a']]);
    // The only call slot is busy: these wait, then go together.
    const later = [b.score('m', ['bb']), b.score('m', ['ccc']), b.score('m', ['dddd'])];
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    expect(b.pending).toBe(3);
    releases[0]?.();
    expect(await first).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([['a'], ['bb', 'ccc', 'dddd']]);
    releases[1]?.();
    expect(await Promise.all(later)).toEqual([[2], [3], [4]]);
  });

  it('shares a queued wave among the free call slots, so two threads overlap instead of taking turns; one free slot takes up to maxTexts', async () => {
    const { calls, releases, score } = heldModel();
    const b = new MicroBatcher<string>(score, { maxTexts: 32, maxWaitMs: 0, maxInFlight: 2 });
    const wave = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'].map((t) => b.score('m', [t]));
    await new Promise((r) => setImmediate(r));
    // 7 texts over 2 free slots: ceil(7 / 2) = 4 in the first call, the rest in the second.
    expect(calls).toEqual([['a', 'bb', 'ccc', 'dddd'], ['eeeee', 'ffffff', 'g']]);
    // Both slots busy: the next wave waits; when one slot frees, it is the only free one and takes it all.
    const next = ['h', 'ii', 'jjj'].map((t) => b.score('m', [t]));
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    releases[0]?.();
    await new Promise((r) => setImmediate(r));
    expect(calls[2]).toEqual(['h', 'ii', 'jjj']);
    releases[1]?.();
    releases[2]?.();
    expect(await Promise.all([...wave, ...next])).toEqual([[1], [2], [3], [4], [5], [6], [1], [1], [2], [3]]);
  });

  it('never shares beyond maxTexts, and never splits a request across calls', async () => {
    const { calls, releases, score } = heldModel();
    const b = new MicroBatcher<string>(score, { maxTexts: 3, maxWaitMs: 0, maxInFlight: 4 });
    const reqs = [b.score('m', ['a', 'b']), b.score('m', ['c']), b.score('m', ['d', 'e', 'f', 'g']), b.score('m', ['h'])];
    await new Promise((r) => setImmediate(r));
    // 8 texts over 4 free slots = 2 per call; the 4-text request, larger than maxTexts, goes alone and unsplit.
    expect(calls).toEqual([['a', 'b'], ['c'], ['d', 'e', 'f', 'g'], ['h']]);
    for (const r of releases) r();
    expect(await Promise.all(reqs)).toEqual([[1, 1], [1], [1, 1, 1, 1], [1]]);
  });

  it('with batching off and an asynchronous model, a request that finds the slots busy waits its turn (and a wrong count is refused)', async () => {
    const { calls, releases, score } = heldModel((texts) => (texts[0] === 'short' ? [] : texts.map((t) => t.length)));
    const b = new MicroBatcher<string>(score, { maxTexts: 1, maxWaitMs: 0, maxInFlight: 1 });
    const first = b.score('m', ['a']);
    expect(calls).toEqual([['a']]); // at once, no event-loop turn
    const second = b.score('m', ['bb']);
    const third = b.score('m', ['short']);
    expect(calls).toHaveLength(1);
    expect(b.pending).toBe(2);
    releases[0]?.();
    expect(await first).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([['a'], ['bb']]);
    releases[1]?.();
    expect(await second).toEqual([2]);
    await new Promise((r) => setImmediate(r));
    releases[2]?.();
    await expect(third).rejects.toThrow('model returned 0 scores for 1 texts');
    const alone = b.score('m', ['short']);
    releases[3]?.();
    await expect(alone).rejects.toThrow('model returned 0 scores for 1 texts');
  });

  it('rejects the requests of a failed asynchronous call and keeps serving', async () => {
    let fail = true;
    const b = new MicroBatcher<string>(async (_m, texts) => {
      if (fail) throw new Error('worker died');
      return texts.map(() => 1);
    }, { maxTexts: 8, maxWaitMs: 0, maxInFlight: 1 });
    await expect(b.score('m', ['a'])).rejects.toThrow('worker died');
    fail = false;
    expect(await b.score('m', ['b'])).toEqual([1]);
  });
});

