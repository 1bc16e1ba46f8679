/**
 * The two pattern languages a workflow uses, as pure functions.
 *
 * Filter patterns (`branches`, `tags`, `paths` and their `-ignore`) follow GitHub's
 * "Filter pattern cheat sheet": `*` stays within a path segment, `**` crosses them, `?`
 * and `+` quantify the preceding character, `[...]` is a character class, and a leading `!`
 * negates; patterns apply in order and the last one that matches decides.
 *
 * Path globs (hashFiles, actions/cache, upload-artifact) follow @actions/glob: `*` and `?`
 * within a segment, `**` as a whole segment for any depth, `!` excludes, and a pattern
 * matching a directory selects everything beneath it.
 */

function escapeRegex(c: string): string {
  return /[.^$|(){}\\/[\]?+*]/.test(c) ? `\\${c}` : c;
}

/** One filter pattern (without its `!`) as an anchored regular expression. */
export function filterPatternToRegExp(pattern: string): RegExp {
  let re = '';
  // `?` and `+` quantify a single preceding character (or class); anywhere else they are literal.
  let lastAtom = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` also matches no directory at all (docs/**/*.md matches docs/README.md).
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
      lastAtom = false;
    } else if (c === '?' || c === '+') {
      re += lastAtom ? c : `\\${c}`;
      lastAtom = false;
    } else if (c === '[' && pattern.indexOf(']', i + 1) > i + 1) {
      const close = pattern.indexOf(']', i + 1);
      re += `[${pattern.slice(i + 1, close).replace(/\\/g, '\\\\')}]`;
      i = close;
      lastAtom = true;
    } else {
      re += escapeRegex(c);
      lastAtom = true;
    }
  }
  return new RegExp(`^${re}$`);
}

/** Whether `value` is selected by an ordered list of filter patterns (with `!` negations). */
export function matchesFilters(patterns: readonly string[], value: string): boolean {
  let selected = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (filterPatternToRegExp(negated ? p.slice(1) : p).test(value)) selected = !negated;
  }
  return selected;
}

/** One path glob segment-by-segment as a regular expression over a relative POSIX path. */
export function pathGlobToRegExp(pattern: string): RegExp {
  const segments = pattern.replace(/\\/g, '/').replace(/\/+$/, '').split('/');
  let re = '';
  segments.forEach((seg, idx) => {
    const last = idx === segments.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    let s = '';
    for (let i = 0; i < seg.length; i++) {
      const c = seg[i] as string;
      if (c === '*') s += '[^/]*';
      else if (c === '?') s += '[^/]';
      else if (c === '[') {
        const close = seg.indexOf(']', i + 1);
        if (close < 0) s += '\\[';
        else {
          const body = seg.slice(i + 1, close);
          s += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
          i = close;
        }
      } else s += escapeRegex(c);
    }
    re += s + (last ? '' : '/');
  });
  // A matched directory selects its descendants (@actions/glob's implicitDescendants).
  return new RegExp(`^${re}(?:/.*)?$`);
}

export interface CompiledPathPattern {
  /** The literal directory (or file) the pattern's matches lie under: where a walk starts. */
  root: string;
  regex: RegExp;
  negated: boolean;
}

function isGlobSegment(seg: string): boolean {
  return /[*?[]/.test(seg);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '.' || (seg === '' && out.length > 0)) continue;
    if (seg === '..' && out.length > 1) out.pop();
    else out.push(seg);
  }
  return out.join('/') || '/';
}

/**
 * Multi-line / multi-argument path patterns as absolute patterns: relative ones under
 * `base`, `~` as the home directory; blank lines and `#` comments ignored.
 */
export function compilePathPatterns(patterns: readonly string[], base: string, home?: string): CompiledPathPattern[] {
  const out: CompiledPathPattern[] = [];
  for (const raw of patterns) {
    let p = raw.trim();
    if (!p || p.startsWith('#')) continue;
    const negated = p.startsWith('!');
    if (negated) p = p.slice(1).trim();
    if (home && (p === '~' || p.startsWith('~/'))) p = home + p.slice(1);
    if (!p.startsWith('/')) p = `${base.replace(/\/+$/, '')}/${p}`;
    p = normalize(p.replace(/\\/g, '/'));
    const segs = p.split('/');
    const literal: string[] = [];
    for (const seg of segs) {
      if (isGlobSegment(seg)) break;
      literal.push(seg);
    }
    out.push({ root: literal.join('/') || '/', regex: pathGlobToRegExp(p), negated });
  }
  return out;
}

/** Included by some pattern and excluded by none. */
export function matchesPathPatterns(compiled: readonly CompiledPathPattern[], absPath: string): boolean {
  return compiled.some((c) => !c.negated && c.regex.test(absPath)) && !compiled.some((c) => c.negated && c.regex.test(absPath));
}
