import { ValidationError } from '../../model/errors.js';
import { PAD_ID, UNK_ID, Vocabulary, validateVocabularyJSON } from '../../model/text/vocabulary.js';

const streams = [
  ['the', 'film', 'is', 'good'],
  ['the', 'film', 'is', 'bad'],
  ['a', 'good', 'film'],
  ['zebra', 'apple'],
];

describe('Vocabulary.build', () => {
  it('reserves 0 for <pad> and 1 for <unk>, then orders by count desc and token asc', () => {
    const v = Vocabulary.build(streams);
    // film 3; good, is, the 2; a, apple, bad, zebra 1
    expect(v.toJSON().tokens).toEqual(['<pad>', '<unk>', 'film', 'good', 'is', 'the', 'a', 'apple', 'bad', 'zebra']);
    expect(v.toJSON().counts).toEqual([0, 0, 3, 2, 2, 2, 1, 1, 1, 1]);
    expect(v.size).toBe(10);
    expect(v.idOf('film')).toBe(2);
    expect(v.countOf('the')).toBe(2);
    expect(v.countOf('missing')).toBe(0);
  });

  it('gives the same ids whatever the order of the input streams', () => {
    const a = Vocabulary.build(streams).toJSON();
    const b = Vocabulary.build([...streams].reverse().map((s) => [...s].reverse())).toJSON();
    expect(b).toEqual(a);
  });

  it('applies minCount and maxSize (maxSize counts the reserved ids)', () => {
    expect(Vocabulary.build(streams, { minCount: 2 }).toJSON().tokens).toEqual(['<pad>', '<unk>', 'film', 'good', 'is', 'the']);
    const small = Vocabulary.build(streams, { maxSize: 4 });
    expect(small.toJSON().tokens).toEqual(['<pad>', '<unk>', 'film', 'good']);
    expect(small.idOf('the')).toBe(UNK_ID);
    expect(Vocabulary.build(streams, { maxSize: 2 }).size).toBe(2);
    expect(Vocabulary.build(streams, { minCount: 4 }).size).toBe(2);
  });

  it('does not give literal reserved tokens a second id', () => {
    const v = Vocabulary.build([['<pad>', '<unk>', 'x']]);
    expect(v.toJSON().tokens).toEqual(['<pad>', '<unk>', 'x']);
  });

  it('rejects invalid options', () => {
    expect(() => Vocabulary.build(streams, { minCount: 0 })).toThrow(ValidationError);
    expect(() => Vocabulary.build(streams, { minCount: 1.5 })).toThrow('minCount');
    expect(() => Vocabulary.build(streams, { maxSize: 1 })).toThrow('maxSize');
  });
});

describe('encode / decode', () => {
  const v = Vocabulary.build(streams);

  it('maps known tokens to ids and unknown ones to <unk>', () => {
    const ids = v.encode(['the', 'unseen', 'film']);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([5, UNK_ID, 2]);
    expect(v.decode(ids)).toEqual(['the', '<unk>', 'film']);
  });

  it('pads and truncates to a fixed length', () => {
    expect(Array.from(v.encode(['good'], 4))).toEqual([3, PAD_ID, PAD_ID, PAD_ID]);
    expect(Array.from(v.encode(['the', 'film', 'is', 'good'], 2))).toEqual([5, 2]);
    expect(Array.from(v.encode([], 0))).toEqual([]);
    expect(v.decode(v.encode(['good'], 4))).toEqual(['good']);
    expect(() => v.encode(['good'], -1)).toThrow(RangeError);
  });

  it('refuses ids outside the vocabulary', () => {
    expect(() => v.decode([99])).toThrow('outside the vocabulary');
    expect(() => v.tokenOf(-1)).toThrow(RangeError);
  });
});

describe('toJSON / fromJSON', () => {
  it('round-trips through JSON text', () => {
    const v = Vocabulary.build(streams, { minCount: 1, maxSize: 8 });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.toJSON()).toEqual(v.toJSON());
    expect(Array.from(back.encode(['good', 'zebra', 'nope']))).toEqual(Array.from(v.encode(['good', 'zebra', 'nope'])));
    expect(back.maxSize).toBe(8);
  });

  it('names every problem in a malformed document', () => {
    const good = Vocabulary.build(streams).toJSON();
    const err = (json: unknown): ValidationError => {
      try {
        Vocabulary.fromJSON(json);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return e as ValidationError;
      }
      throw new Error('fromJSON accepted invalid input');
    };
    expect(err(null).errors).toEqual(['expected an object, got null']);
    expect(err([]).errors).toEqual(['expected an object, got an array']);
    expect(err({ ...good, format: 'other' }).message).toContain('format must be "gitops-ml/vocabulary"');
    expect(err({ ...good, tokens: ['<unk>', '<pad>', ...good.tokens.slice(2)] }).message).toContain('must start with "<pad>", "<unk>"');
    expect(err({ ...good, tokens: [...good.tokens.slice(0, -1), 'film'] }).message).toContain('"film" is a duplicate');
    expect(err({ ...good, counts: good.counts.slice(1) }).message).toContain('counts has 9 entries but tokens has 10');
    expect(err({ ...good, counts: good.counts.map((c, i) => (i === 3 ? -1 : c)) }).message).toContain('counts[3]');
    expect(err({ ...good, tokens: [...good.tokens.slice(0, -1), 7] }).message).toContain('tokens[9] must be a non-empty string');
    expect(err({ ...good, maxSize: 3 }).message).toContain('more than maxSize 3');
    const many = err({ ...good, counts: good.counts.map(() => 'x'), version: 2 });
    expect(many.errors).toHaveLength(11);
    expect(many.errors[0]).toContain('version must be 1');
  });

  it('accepts exactly what toJSON produces', () => {
    expect(validateVocabularyJSON(Vocabulary.build(streams).toJSON())).toEqual([]);
  });
});
