import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import {
  ALL_SECRET_RULES,
  addedLinesFromDiff,
  isPlaceholder,
  redact,
  scanDiff,
  scanText,
  scanTree,
  secretsPart,
  shannonEntropy,
} from '../../actions/shared/src/security/secrets.js';
import { REPO_ROOT } from '../helpers/datasets.js';

/*
 * Every secret-shaped string here is assembled at run time, so this file holds no literal
 * that this scanner, GitHub's push protection or any other scanner would flag; the last
 * test checks that for this file and the SARIF test.
 */

const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Random-looking, mixed-class, reproducible: what a generated key looks like. */
const highEntropy = (seed: string, n = 32): string => createHash('sha512').update(seed).digest('base64').replace(/[+/=]/g, '').slice(0, n);

const samples: { rule: string; value: string; line: (v: string) => string }[] = [
  ...['p', 'o', 'u', 's', 'r'].map((k) => ({ rule: 'secret/github-token', value: `gh${k}_` + 'A'.repeat(36), line: (v: string) => `const t = "${v}";` })),
  { rule: 'secret/github-fine-grained-pat', value: 'github_' + 'pat_' + '1'.repeat(22) + '_' + 'b'.repeat(59), line: (v) => `GH_PAT=${v}` },
  { rule: 'secret/aws-access-key-id', value: 'AKIA' + 'QWERTYUIOP234567', line: (v) => `aws_access_key_id = ${v}` },
  { rule: 'secret/aws-access-key-id', value: 'ASIA' + 'QWERTYUIOP234567', line: (v) => `key: '${v}'` },
  { rule: 'secret/aws-secret-access-key', value: createHash('sha256').update('aws').digest('base64').slice(0, 40), line: (v) => `aws_secret_access_key = "${v}"` },
  { rule: 'secret/aws-secret-access-key', value: createHash('sha256').update('aws2').digest('base64').slice(0, 40), line: (v) => `AWS_SECRET_ACCESS_KEY=${v}` },
  { rule: 'secret/private-key', value: '-----BEGIN ' + 'RSA PRIVATE KEY-----', line: (v) => v },
  { rule: 'secret/private-key', value: '-----BEGIN ' + 'OPENSSH PRIVATE KEY-----', line: (v) => `  "${v}\\n"` },
  { rule: 'secret/private-key', value: '-----BEGIN ' + 'PRIVATE KEY-----', line: (v) => v },
  { rule: 'secret/private-key', value: '-----BEGIN ' + 'PGP PRIVATE KEY BLOCK-----', line: (v) => v },
  { rule: 'secret/slack-token', value: 'xox' + 'b-123456789012-1234567890123-' + highEntropy('slack', 24), line: (v) => `SLACK_BOT=${v}` },
  { rule: 'secret/slack-token', value: 'xox' + 'p-' + '9'.repeat(12), line: (v) => `slack: ${v}` },
  { rule: 'secret/google-api-key', value: 'AI' + 'za' + 'B'.repeat(30) + '_-x9Q', line: (v) => `const key = '${v}';` },
  { rule: 'secret/npm-token', value: 'npm' + '_' + 'c'.repeat(36), line: (v) => `//registry.npmjs.org/:_authToken=${v}` },
  { rule: 'secret/stripe-live-key', value: 'sk' + '_live_' + 'D'.repeat(24), line: (v) => `stripe(${JSON.stringify(v)})` },
  { rule: 'secret/stripe-live-key', value: 'rk' + '_live_' + 'E'.repeat(24), line: (v) => `STRIPE=${v}` },
  { rule: 'secret/jwt', value: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'x' })}.${highEntropy('sig', 43)}`, line: (v) => `Authorization: Bearer ${v}` },
  { rule: 'secret/generic-assignment', value: highEntropy('api'), line: (v) => `api_key = "${v}"` },
  { rule: 'secret/generic-assignment', value: highEntropy('pw'), line: (v) => `  password: '${v}'` },
  { rule: 'secret/generic-assignment', value: highEntropy('secret') + '42', line: (v) => `CLIENT_SECRET=${v}` },
  { rule: 'secret/generic-assignment', value: highEntropy('tok'), line: (v) => `{"auth_token": "${v}"}` },
];

describe('secret rules', () => {
  it.each(samples.map((s) => [s.rule, s]))('%s detects its pattern', (_rule, s) => {
    const found = scanText('src/config.ts', `first line\n${s.line(s.value)}\nlast line\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ruleId: s.rule, level: 'error', path: 'src/config.ts', line: 2 });
  });

  it('has a sample for every rule, and ids of the form secret/<name>', () => {
    for (const rule of ALL_SECRET_RULES) {
      expect(rule.id).toMatch(/^secret\/[a-z0-9-]+$/);
      expect(samples.some((s) => s.rule === rule.id)).toBe(true);
    }
  });

  it('never puts the secret in a message: at most its first four characters', () => {
    for (const s of samples) {
      for (const f of scanText('a.env', s.line(s.value))) {
        expect(f.message).not.toContain(s.value);
        // The rule id may share a prefix with the value (`github_pat_` and `secret/github-…`).
        expect(f.message.replace(s.rule, '')).not.toContain(s.value.slice(0, 5));
        expect(f.message).toContain('a.env:1');
        expect(f.message).toContain(s.rule);
      }
    }
    expect(redact('abcdefgh')).toBe('abcd…');
  });

  it('reports several secrets on one line, and one value once even when two rules match it', () => {
    const gh = 'ghp_' + 'Z'.repeat(36);
    const npm = 'npm_' + 'Y'.repeat(36);
    expect(scanText('x', `a=${gh} b=${npm}`).map((f) => f.ruleId)).toEqual(['secret/github-token', 'secret/npm-token']);
    // A token under a credential name is the GitHub token, not also a generic assignment.
    expect(scanText('x', `GITHUB_TOKEN="ghp_${highEntropy('gh', 36)}"`).map((f) => f.ruleId)).toEqual(['secret/github-token']);
  });

  it('does not take look-alikes for secrets', () => {
    const clean = [
      'ghp_' + 'A'.repeat(35), // one short
      'ghp_' + 'A'.repeat(37), // one long: another format, not a cut-off token
      'AKIA' + 'IOSFODNN7EXAMPLE', // AWS's documentation key
      'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY', // AWS's documentation secret
      '-----BEGIN ' + 'PUBLIC KEY-----',
      '-----BEGIN ' + 'CERTIFICATE-----',
      'eyJ' + 'hbGciOiJIUzI1NiJ9', // a JWT header alone
      'const parsedToken = parseHashWithOptions.exec(token);',
      'token: context.payload.pull_request.head.sha,',
      'const tokenizer = validateTokenizerFile(parseJson(get(TOKENIZER_FILE)));',
      'password = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"', // long, but no entropy
      'secret: "thisisjustalongsentencewithoutspaces"', // one character class
      'api_key = "short1A"',
    ];
    for (const line of clean) expect(scanText('src/x.ts', line)).toEqual([]);
  });

  it('leaves placeholders and references to secrets alone', () => {
    const lines = [
      'password: changeme',
      'api_key = "changeme-changeme-1234567"',
      'secret = "xxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
      'API_KEY=XXXX-XXXX-XXXX-XXXX-XXXX-1234',
      'token: ${{ secrets.NPM_TOKEN }}',
      'GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}"',
      'password: ${{ secrets.DB_PASSWORD_2025 }}',
      'const token = process.env.NPM_TOKEN_2;',
      'api_key: "process.env.API_KEY_FOR_SERVICE_1"',
      'api_key = "<your-api-key-goes-here-123>"',
      'secret="$MY_SECRET_VALUE_FROM_ENV_1"',
      'api_key: "%API_KEY_FROM_ENVIRONMENT_9%"',
      'auth_key = "{{ vault_auth_key_value_42 }}"',
      'password = os.environ["DB_PASSWORD_1"]',
      'access_key = "EXAMPLE-ACCESS-KEY-1234567890"',
      'password: "dummy-password-for-tests-123"',
      "token = '********************1234'",
    ];
    for (const line of lines) expect(scanText('deploy.yml', line)).toEqual([]);
    expect(isPlaceholder('${{ secrets.X }}')).toBe(true);
    expect(isPlaceholder(highEntropy('p'))).toBe(false);
  });

  it('measures entropy in bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy(highEntropy('e'))).toBeGreaterThan(3.5);
  });
});

describe('suppression, allow-list, binary and size limits', () => {
  const gh = 'ghp_' + 'Q'.repeat(36);
  const marker = 'gitops-ml' + ':allow-secret';

  it('skips a line that carries the marker with a reason, and only that line', () => {
    const text = [`const fixture = "${gh}"; // ${marker} fake token for the parser test`, `const real = "${gh}";`].join('\n');
    expect(scanText('tests/a.ts', text)).toEqual([expect.objectContaining({ line: 2 })]);
    expect(scanText('tests/a.ts', `"${gh}" # ${marker}: fixture`)).toEqual([]);
  });

  it('does not honour the marker without a reason', () => {
    expect(scanText('tests/a.ts', `const fixture = "${gh}"; // ${marker}`)).toHaveLength(1);
  });

  it('skips allow-listed path prefixes: a file or a whole folder, never a sibling with the same stem', () => {
    const key = '-----BEGIN ' + 'EC PRIVATE KEY-----';
    const allowPaths = ['tests/fixtures/keys', 'docs/example.md', './vendor/'];
    expect(scanText('tests/fixtures/keys/a.pem', key, { allowPaths })).toEqual([]);
    expect(scanText('tests/fixtures/keys', key, { allowPaths })).toEqual([]);
    expect(scanText('docs/example.md', key, { allowPaths })).toEqual([]);
    expect(scanText('vendor/x/y.js', key, { allowPaths })).toEqual([]);
    expect(scanText('tests/fixtures/keys2/a.pem', key, { allowPaths })).toHaveLength(1);
    expect(scanText('docs/example.md.bak', key, { allowPaths })).toHaveLength(1);
  });

  it('skips binary content and reports, not passes, a file over the size cap', () => {
    expect(scanText('model.bin', `\0\x01\x02${gh}`)).toEqual([]);
    const big = scanText('data/huge.txt', `${gh}\n`.repeat(100), { maxBytes: 1000 });
    expect(big).toEqual([expect.objectContaining({ ruleId: 'secret/skipped-large-file', level: 'note', path: 'data/huge.txt' })]);
    expect(big[0]?.message).not.toContain(gh);
    const part = secretsPart(big, 'tree', 1);
    expect(part).toMatchObject({ part: 'secrets', outcome: 'pass' });
    expect(part.summary).toContain('1 file skipped for size');
  });

  it('reads files from disk in a tree scan: sizes, binaries, missing paths and allow-listed paths', () => {
    const root = mkdtempSync(join(tmpdir(), 'secrets-tree-'));
    try {
      mkdirSync(join(root, 'src'));
      mkdirSync(join(root, 'fixtures'));
      writeFileSync(join(root, 'src/a.ts'), `ok\nconst t = "${gh}";\n`);
      writeFileSync(join(root, 'src/b.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(gh)]));
      writeFileSync(join(root, 'src/big.txt'), 'x'.repeat(2000));
      writeFileSync(join(root, 'fixtures/k.txt'), gh);
      const found = scanTree(root, ['src/a.ts', 'src/b.bin', 'src/big.txt', 'fixtures/k.txt', 'src/deleted.ts', 'src'], { maxBytes: 1000, allowPaths: ['fixtures'] });
      expect(found.map((f) => [f.ruleId, f.path, f.line])).toEqual([
        ['secret/github-token', 'src/a.ts', 2],
        ['secret/skipped-large-file', 'src/big.txt', undefined],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('secretsPart', () => {
  it('fails on an error finding and says where, passes otherwise', () => {
    const found = scanText('a.ts', 'npm_' + 'k'.repeat(36));
    expect(secretsPart(found, 'diff', 3)).toMatchObject({ part: 'secrets', outcome: 'fail', summary: '1 possible secret in 1 file (scanned the added lines of 3 files).', findings: found });
    expect(secretsPart([], 'diff', 1)).toMatchObject({ outcome: 'pass', summary: 'No secrets in the added lines of 1 file.' });
    expect(secretsPart([], 'tree', 231)).toMatchObject({ outcome: 'pass', summary: 'No secrets in 231 files in the tree.' });
  });
});

describe('diff mode: only the lines a PR adds', () => {
  // A real `git diff --unified=0`, from a throw-away repository with no user or system config.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
  let dir = '';
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  const write = (path: string, content: string | Buffer): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  const gh = 'ghp_' + 'R'.repeat(36);
  const ten = Array.from({ length: 10 }, (_, i) => `line ${i + 1} of a file that is long enough to keep its rename`).join('\n') + '\n';
  let diff = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'secrets-diff-'));
    git('init', '-q', '-b', 'main');
    write('keep.txt', 'a\nb\nc\nd\ne\n');
    write('weird.txt', 'start\n');
    write('noeol.txt', 'x\ny');
    write('old name.txt', ten);
    write('gone.txt', 'bye\n');
    write('moved-only.txt', ten.replace(/line/g, 'row'));
    write('config.env', `OLD=${gh}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'base');

    write('keep.txt', 'a\nX1\nb\nd\nX2\nX3\ne\n');
    // Added lines whose own text looks like diff headers: only hunk counts tell them apart.
    write('weird.txt', 'start\n++ plus line\n@@ -1 +1 @@ fake\n-- minus\ndiff --git a/q b/q\n');
    write('noeol.txt', 'x\ny\nz');
    rmSync(join(dir, 'old name.txt'));
    write('new dir/nãme.txt', ten + 'eleven\n');
    rmSync(join(dir, 'gone.txt'));
    rmSync(join(dir, 'moved-only.txt'));
    write('moved.txt', ten.replace(/line/g, 'row'));
    write('fresh.txt', 'n1\nn2\n');
    write('blob.bin', Buffer.from([0, 1, 2, 3, 0, 255]));
    write('config.env', `OLD=${gh}\nNEW=${'npm_' + 'n'.repeat(36)}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'head');
    diff = git('diff', '--unified=0', '--no-color', '--no-ext-diff', '-M', 'HEAD~1', 'HEAD');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads git’s real output, quoted paths and renames included', () => {
    expect(diff).toContain('+++ "b/new dir/n\\303\\243me.txt"');
    expect(diff).toContain('\\ No newline at end of file');
    expect(diff).toContain('+++ /dev/null');
    expect(diff).toContain('rename to moved.txt');
  });

  it('yields each added line with its new-file line number, and nothing else', () => {
    const sort = (a: { path: string; line: number }, b: { path: string; line: number }): number => a.path.localeCompare(b.path) || a.line - b.line;
    expect(addedLinesFromDiff(diff).sort(sort)).toEqual(
      [
        { path: 'config.env', line: 2, text: 'NEW=npm_' + 'n'.repeat(36) },
        { path: 'fresh.txt', line: 1, text: 'n1' },
        { path: 'fresh.txt', line: 2, text: 'n2' },
        { path: 'keep.txt', line: 2, text: 'X1' },
        { path: 'keep.txt', line: 5, text: 'X2' },
        { path: 'keep.txt', line: 6, text: 'X3' },
        { path: 'new dir/nãme.txt', line: 11, text: 'eleven' },
        { path: 'noeol.txt', line: 2, text: 'y' },
        { path: 'noeol.txt', line: 3, text: 'z' },
        { path: 'weird.txt', line: 2, text: '++ plus line' },
        { path: 'weird.txt', line: 3, text: '@@ -1 +1 @@ fake' },
        { path: 'weird.txt', line: 4, text: '-- minus' },
        { path: 'weird.txt', line: 5, text: 'diff --git a/q b/q' },
      ].sort(sort),
    );
  });

  it('counts context lines too, for diffs made with context', () => {
    const withContext = git('diff', '--unified=3', '--no-color', '--no-ext-diff', '-M', 'HEAD~1', 'HEAD');
    expect(addedLinesFromDiff(withContext)).toEqual(addedLinesFromDiff(diff));
  });

  it('flags a secret the PR adds, at its new line, and not one already on the base branch', () => {
    const found = scanDiff(diff);
    expect(found.map((f) => [f.ruleId, f.path, f.line])).toEqual([['secret/npm-token', 'config.env', 2]]);
    expect(scanDiff(diff, { allowPaths: ['config.env'] })).toEqual([]);
  });

  it('copes with input that is not a diff', () => {
    expect(addedLinesFromDiff('')).toEqual([]);
    expect(addedLinesFromDiff('+++ b/x\n+not in a hunk\n')).toEqual([]);
  });
});

describe('tree scan of this repository', () => {
  it('scans every tracked file; whatever it finds names a real line and hides the value', () => {
    const paths = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    const found = scanTree(REPO_ROOT, paths);
    const part = secretsPart(found, 'tree', paths.length);
    expect(part.outcome).toBe(found.some((f) => f.level === 'error') ? 'fail' : 'pass');
    for (const f of found) {
      expect(paths).toContain(f.path);
      if (f.level !== 'error') continue;
      const line = readFileSync(join(REPO_ROOT, f.path ?? ''), 'utf8').split(/\r?\n/)[(f.line ?? 0) - 1];
      expect(line).toBeDefined();
      const rule = ALL_SECRET_RULES.find((r) => r.id === f.ruleId);
      for (const m of (line ?? '').matchAll(rule?.re ?? /$^/g)) expect(f.message).not.toContain(m[2] ?? m[1] ?? m[0]);
    }
  });

  it('finds nothing in the two security test files, whose fake secrets are built at run time', () => {
    for (const file of ['tests/unit/security-secrets.test.ts', 'tests/unit/security-sarif.test.ts']) {
      expect(scanText(file, readFileSync(join(REPO_ROOT, file), 'utf8'))).toEqual([]);
    }
  });
});

/**
 * ReDoS guard, by structure rather than by timing: a regex whose quantifiers all have a
 * finite bound, none applied to a group holding another, and which has no backreference,
 * does a bounded amount of work per start position, so a scan is linear in the text.
 */
const MAX_BOUND = 10_000;
function structuralProblems(source: string): string[] {
  const problems: string[] = [];
  const groups: boolean[] = []; // per open group: does it contain a quantifier?
  let last: 'none' | 'atom' | 'group' = 'none';
  let lastGroupQuantified = false;
  const quantified = (): void => {
    if (last === 'group' && lastGroupQuantified) problems.push('nested quantifier');
    if (last === 'none') problems.push('quantifier without an atom');
    if (groups.length) groups[groups.length - 1] = true;
    last = 'none';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      if (/[1-9k]/.test(source[i + 1] ?? '')) problems.push('backreference');
      i++;
      last = 'atom';
    } else if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      last = 'atom';
    } else if (c === '(') {
      groups.push(false);
      if (source[i + 1] === '?') {
        const head = /^\?(?::|=|!|<=|<!|<[A-Za-z]\w{0,30}>)/.exec(source.slice(i + 1));
        i += head ? head[0].length : 1;
      }
      last = 'none';
    } else if (c === ')') {
      const inner = groups.pop() ?? false;
      if (inner && groups.length) groups[groups.length - 1] = true;
      lastGroupQuantified = inner;
      last = 'group';
    } else if (c === '|') {
      last = 'none';
    } else if (c === '*' || c === '+') {
      problems.push(`unbounded ${c}`);
      quantified();
      if (source[i + 1] === '?') i++;
    } else if (c === '?') {
      quantified();
      if (source[i + 1] === '?') i++;
    } else if (c === '{' && /^\{\d{1,6},?\d{0,6}\}/.test(source.slice(i))) {
      const q = /^\{(\d{1,6})(,?)(\d{0,6})\}/.exec(source.slice(i)) as RegExpExecArray;
      if (q[2] && !q[3]) problems.push(`unbounded ${q[0]}`);
      else if (Number(q[3] || q[1]) > MAX_BOUND) problems.push(`bound ${q[0]} over ${MAX_BOUND}`);
      quantified();
      i += q[0].length - 1;
      if (source[i + 1] === '?') i++;
    } else {
      last = 'atom';
    }
  }
  return problems;
}

function regexLiterals(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(sf);
      out.push(text.slice(1, text.lastIndexOf('/')));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('regexes are linear-time by construction', () => {
  const files = ['actions/shared/src/security/secrets.ts', 'actions/shared/src/security/sarif.ts'].map((f) => join(REPO_ROOT, f));

  it('the structure check catches what it is meant to', () => {
    expect(structuralProblems('(a+)+$')).toEqual(expect.arrayContaining(['unbounded +', 'nested quantifier']));
    expect(structuralProblems('\\w*=')).toEqual(['unbounded *']);
    expect(structuralProblems('(?:x{1,3}){2,5}')).toEqual(['nested quantifier']);
    expect(structuralProblems('(?:,(\\d{1,5}))?')).toEqual(['nested quantifier']);
    expect(structuralProblems('a{3,}')).toEqual(['unbounded {3,}']);
    expect(structuralProblems('(["\'])x\\1')).toEqual(['backreference']);
    expect(structuralProblems('[a-z+*]{1,20}(?:ab|cd)?\\{x\\}')).toEqual([]);
  });

  it('every regex literal in the scanner and the SARIF writer passes it', () => {
    const all = files.flatMap((f) => regexLiterals(f).map((source) => ({ f, source })));
    expect(all.length).toBeGreaterThan(15);
    for (const { f, source } of all) expect({ f, source, problems: structuralProblems(source) }).toEqual({ f, source, problems: [] });
    for (const rule of ALL_SECRET_RULES) expect({ id: rule.id, problems: structuralProblems(rule.re.source) }).toEqual({ id: rule.id, problems: [] });
  });

  it('eslint-plugin-security’s detect-unsafe-regex is on for these files and flags nothing', async () => {
    const eslint = new ESLint({ cwd: REPO_ROOT });
    for (const f of files) {
      const setting: unknown = (await eslint.calculateConfigForFile(f)).rules?.['security/detect-unsafe-regex'];
      expect(['error', 2]).toContain(Array.isArray(setting) ? setting[0] : setting);
    }
    const results = await eslint.lintFiles(files);
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'security/detect-unsafe-regex'))).toEqual([]);
  });
});
