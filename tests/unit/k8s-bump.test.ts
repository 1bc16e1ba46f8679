import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { bumpOverlay, MODEL_VERSION_LABEL, OverlayBumpError } from '../../actions/shared/src/k8s-bump.js';
import { currentTag } from '../../actions/shared/src/deploy.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const IMAGE = 'ghcr.io/acme/gitops-ml';
const to = (tag: string, modelVersion: string, image = IMAGE) => ({ image, tag, modelVersion });

interface Overlay {
  images: { name: string; newName?: string; newTag?: string; digest?: string }[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
}
const read = (text: string): Overlay => parse(text) as Overlay;
const modelVersion = (o: Overlay): unknown => o.labels?.find((l) => MODEL_VERSION_LABEL in l.pairs)?.pairs[MODEL_VERSION_LABEL];
/** Lines of `b` that differ from the same line of `a` (same line count expected). */
const changedLines = (a: string, b: string): string[] => {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y).toHaveLength(x.length);
  return y.filter((line, i) => line !== x[i]);
};

const OVERLAY = `# Staging. The deploy bumps the image and the model version below.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: gitops-ml-staging
resources:
  - ../../base
labels:
  - pairs:
      gitops-ml/environment: staging
    includeSelectors: false
  # Bumped by the deploy (actions/shared/src/k8s-bump.ts).
  - pairs:
      gitops-ml/model-version: "0.1.0" # the model the image serves
    includeSelectors: false
    includeTemplates: true
images:
  # Bumped by the deploy.
  - name: gitops-ml
    newName: ghcr.io/acme/gitops-ml
    newTag: sentiment-0.1.0 # one image per model version
`;

describe('bumpOverlay', () => {
  it('changes exactly the tag and the version lines, comments and quoting kept byte for byte', () => {
    const out = bumpOverlay(OVERLAY, to('sentiment-1.2.0', '1.2.0'));
    expect(changedLines(OVERLAY, out)).toEqual(['      gitops-ml/model-version: "1.2.0" # the model the image serves', '    newTag: sentiment-1.2.0 # one image per model version']);
    const o = read(out);
    expect(o.images[0]).toEqual({ name: 'gitops-ml', newName: IMAGE, newTag: 'sentiment-1.2.0' });
    expect(modelVersion(o)).toBe('1.2.0');
    expect(currentTag(out)).toBe('sentiment-1.2.0');
  });

  it('a bump to what the file already says returns it unchanged (no empty commit)', () => {
    expect(bumpOverlay(OVERLAY, to('sentiment-0.1.0', '0.1.0'))).toBe(OVERLAY);
  });

  it('a bump then the reverse bump restores the file exactly', () => {
    const there = bumpOverlay(OVERLAY, to('sentiment-2.0.0', '2.0.0'));
    expect(bumpOverlay(there, to('sentiment-0.1.0', '0.1.0'))).toBe(OVERLAY);
  });

  it('a new registry changes newName only; the name that matches the base stays', () => {
    const out = bumpOverlay(OVERLAY, to('sentiment-0.1.0', '0.1.0', 'registry.example.com:5000/team/gitops-ml'));
    expect(changedLines(OVERLAY, out)).toEqual(['    newName: registry.example.com:5000/team/gitops-ml']);
    expect(read(out).images[0]?.name).toBe('gitops-ml');
  });

  it('values YAML would read as numbers stay strings (quoted)', () => {
    const plain = OVERLAY.replace('"0.1.0"', '0.1.0');
    const out = bumpOverlay(plain, to('1.0', '1.0'));
    expect(out).toContain('newTag: "1.0"');
    expect(out).toContain('gitops-ml/model-version: "1.0"');
    expect(read(out).images[0]?.newTag).toBe('1.0');
    expect(modelVersion(read(out))).toBe('1.0');
  });

  it('single-quoted values stay single-quoted', () => {
    const out = bumpOverlay(OVERLAY.replace('"0.1.0"', "'0.1.0'"), to('sentiment-0.2.0', '0.2.0'));
    expect(out).toContain("gitops-ml/model-version: '0.2.0'");
  });

  it('a digest replaces the tag (kustomize prefers a digest, so a stale one must not stay), and a tag replaces the digest', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const pinned = bumpOverlay(OVERLAY, to(digest, '1.3.0'));
    expect(read(pinned).images[0]).toEqual({ name: 'gitops-ml', newName: IMAGE, digest });
    expect(pinned).toContain('# Staging. The deploy bumps');
    expect(pinned).toContain('# the model the image serves');
    const back = bumpOverlay(pinned, to('sentiment-1.4.0', '1.4.0'));
    expect(read(back).images[0]).toEqual({ name: 'gitops-ml', newName: IMAGE, newTag: 'sentiment-1.4.0' });
  });

  it('a structural edit keeps the list style of the file (kubectl writes `- item` under its key)', () => {
    const kubectlStyle = '# kubectl style\nresources:\n- ../../base\nlabels:\n- pairs:\n    gitops-ml/model-version: "0.1.0"\n  includeSelectors: false\nimages:\n- name: gitops-ml\n  newName: ghcr.io/acme/gitops-ml\n  newTag: sentiment-0.1.0 # pinned\n';
    const digest = `sha256:${'0f'.repeat(32)}`;
    const out = bumpOverlay(kubectlStyle, to(digest, '0.2.0'));
    expect(out).toBe(kubectlStyle.replace('"0.1.0"', '"0.2.0"').replace('  newTag: sentiment-0.1.0 # pinned\n', `  digest: ${digest}\n`));
  });

  it('an overlay without the model-version label gets one that stays out of selectors, comments kept', () => {
    const bare = '# staging overlay\nresources:\n  - ../../base\nimages:\n  - name: gitops-ml\n    newName: ghcr.io/acme/models\n    newTag: reviews-1.0.0\n';
    const out = bumpOverlay(bare, to('reviews-1.1.0', '1.1.0', 'ghcr.io/acme/models'));
    expect(out.startsWith('# staging overlay\n')).toBe(true);
    expect(read(out).labels).toEqual([{ pairs: { [MODEL_VERSION_LABEL]: '1.1.0' }, includeSelectors: false, includeTemplates: true }]);
    expect(currentTag(out)).toBe('reviews-1.1.0');
    // …and the next bump is an in-place edit of it.
    const next = bumpOverlay(out, to('reviews-1.2.0', '1.2.0', 'ghcr.io/acme/models'));
    expect(changedLines(out, next)).toHaveLength(2);
  });

  it('with several images: entries, bumps the one that names the image, and refuses to guess otherwise', () => {
    const two = OVERLAY.replace('images:\n', 'images:\n  - name: busybox\n    newTag: "1.36"\n');
    const out = bumpOverlay(two, to('sentiment-1.0.0', '1.0.0'));
    expect(read(out).images).toEqual([
      { name: 'busybox', newTag: '1.36' },
      { name: 'gitops-ml', newName: IMAGE, newTag: 'sentiment-1.0.0' },
    ]);
    expect(() => bumpOverlay(two, to('sentiment-1.0.0', '1.0.0', 'ghcr.io/other/thing'))).toThrow(/2 images: entries and none of them name ghcr\.io\/other\/thing/);
  });

  it('bumps the overlays this repository ships', () => {
    for (const env of ['staging', 'production']) {
      const file = readFileSync(join(REPO_ROOT, 'deploy/k8s/overlays', env, 'kustomization.yaml'), 'utf8');
      const out = bumpOverlay(file, to('sentiment-9.8.7', '9.8.7', 'ghcr.io/owner/gitops-ml'));
      expect(changedLines(file, out)).toHaveLength(2);
      expect(currentTag(out)).toBe('sentiment-9.8.7');
      expect(modelVersion(read(out))).toBe('9.8.7');
    }
  });

  describe('refuses, with a code and a message that says why', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(OverlayBumpError);
        return `${(err as OverlayBumpError).code}: ${(err as Error).message}`;
      }
      throw new Error('did not throw');
    };

    it.each([
      ['latest', to('latest', '1.0.0'), /E_BUMP_INPUT.*"latest" names no version/],
      ['a tag with a space', to('v 1', '1.0.0'), /E_BUMP_INPUT: .*tag "v 1"/],
      ['a tag in the image', to('x', '1.0.0', 'ghcr.io/acme/gitops-ml:1.0'), /E_BUMP_INPUT: .*must not carry a tag/],
      ['a digest in the image', to('x', '1.0.0', `ghcr.io/acme/gitops-ml@sha256:${'a'.repeat(64)}`), /E_BUMP_INPUT: .*must not carry a digest/],
      ['upper case in the repository path', to('x', '1.0.0', 'ghcr.io/Acme/gitops-ml'), /E_BUMP_INPUT: .*path component "Acme"/],
      ['a YAML-breaking image', to('x', '1.0.0', 'ghcr.io/acme/x\n  evil: 1'), /E_BUMP_INPUT/],
      ['a version that is no label value', to('x', '1.0.0+build.5'), /E_BUMP_INPUT: .*modelVersion "1\.0\.0\+build\.5": must be a Kubernetes label value/],
      ['an empty version', to('x', ''), /E_BUMP_INPUT: .*modelVersion ""/],
      ['a short digest', to('sha256:abc', '1.0.0'), /E_BUMP_INPUT: .*tag "sha256:abc"/],
    ])('bad input: %s', (_what, input, message) => {
      expect(code(() => bumpOverlay(OVERLAY, input))).toMatch(message);
    });

    it.each([
      ['invalid YAML', 'images: [\n', /E_BUMP_YAML/],
      ['two YAML documents', `${OVERLAY}---\n${OVERLAY}`, /E_BUMP_YAML/],
      ['a list, not a mapping', '- a\n', /E_BUMP_SHAPE: the overlay must be a kustomization/],
      ['another kind', 'kind: Component\nimages:\n  - name: x\n', /E_BUMP_SHAPE: .*kind is Component/],
      ['no images: entry', 'resources:\n  - ../../base\n', /E_BUMP_SHAPE: the overlay has no images: entry/],
      ['an images: entry without name', 'images:\n  - newName: x\n', /E_BUMP_SHAPE: the images: entry has no name/],
      ['the version in commonLabels (selectors)', `${OVERLAY}commonLabels:\n  ${MODEL_VERSION_LABEL}: "0.1.0"\n`, /E_BUMP_UNSAFE: .*commonLabels.*immutable/],
      ['the version label with includeSelectors: true', OVERLAY.replace('includeSelectors: false\n    includeTemplates', 'includeSelectors: true\n    includeTemplates'), /E_BUMP_UNSAFE: .*includeSelectors: true/],
    ])('bad file: %s', (_what, file, message) => {
      expect(code(() => bumpOverlay(file, to('sentiment-1.0.0', '1.0.0')))).toMatch(message);
    });
  });
});
