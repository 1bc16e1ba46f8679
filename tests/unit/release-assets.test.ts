import { createHash } from 'node:crypto';
import { releaseAssets, sha256Sums, uploadsBaseUrl } from '../../actions/shared/src/release.js';

const hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const file = (name: string, text: string): { name: string; data: Buffer } => ({ name, data: Buffer.from(text) });

describe('the release assets (built before any release exists)', () => {
  it('are the package, the card and their SHA256SUMS, in sha256sum\'s format and byte order', () => {
    const assets = releaseAssets([file('sentiment-1.3.0-MODEL_CARD.md', '# card\n'), file('sentiment-1.3.0.tar.gz', 'tgz')], 'sentiment', '1.3.0');
    expect(assets.map((a) => [a.name, a.contentType])).toEqual([
      ['sentiment-1.3.0.tar.gz', 'application/gzip'],
      ['sentiment-1.3.0-MODEL_CARD.md', 'text/markdown; charset=utf-8'],
      ['SHA256SUMS', 'text/plain; charset=utf-8'],
    ]);
    // '-' (0x2d) sorts before '.' (0x2e): the card first, as `sha256sum *` lists them.
    expect(assets[2]?.data.toString()).toBe(`${hex('# card\n')}  sentiment-1.3.0-MODEL_CARD.md\n${hex('tgz')}  sentiment-1.3.0.tar.gz\n`);
    // A SHA256SUMS the package job left is replaced by the one computed here.
    expect(releaseAssets([file('sentiment-1.3.0.tar.gz', 'tgz'), file('sentiment-1.3.0-MODEL_CARD.md', 'c'), file('SHA256SUMS', 'stale')], 'sentiment', '1.3.0').at(-1)?.data.toString()).not.toContain('stale');
    expect(sha256Sums([])).toBe('');
  });

  it('a failed package (no tarball, an empty one, another version\'s) is refused before a release is created', () => {
    expect(() => releaseAssets([file('sentiment-1.3.0-MODEL_CARD.md', '# card\n')], 'sentiment', '1.3.0')).toThrow(expect.objectContaining({ code: 'E_RELEASE_ASSETS', message: expect.stringContaining('sentiment-1.3.0.tar.gz is missing') }));
    expect(() => releaseAssets([], 'sentiment', '1.3.0')).toThrow('no release is created');
    expect(() => releaseAssets([file('sentiment-1.3.0.tar.gz', ''), file('sentiment-1.3.0-MODEL_CARD.md', 'c')], 'sentiment', '1.3.0')).toThrow('sentiment-1.3.0.tar.gz is empty');
    expect(() => releaseAssets([file('sentiment-1.2.0.tar.gz', 'x'), file('sentiment-1.3.0-MODEL_CARD.md', 'c'), file('sentiment-1.3.0.tar.gz', 'y')], 'sentiment', '1.3.0')).toThrow('unexpected file(s) sentiment-1.2.0.tar.gz');
  });

  it('uploads go to the host of the release\'s upload_url (github.com, GHES, a stand-in)', () => {
    expect(uploadsBaseUrl('https://uploads.github.com/repos/acme/models/releases/7/assets{?name,label}')).toBe('https://uploads.github.com');
    expect(uploadsBaseUrl('https://ghe.example.com/api/uploads/repos/acme/models/releases/7/assets{?name,label}')).toBe('https://ghe.example.com/api/uploads');
    expect(() => uploadsBaseUrl('https://example.com/elsewhere')).toThrow('unexpected upload_url');
  });
});
