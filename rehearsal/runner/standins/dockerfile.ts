/**
 * What a Dockerfile declares with ARG (every stage, and before the first FROM), read
 * with Docker's line rules: `#` comment lines, the `# escape=` directive, and line
 * continuations. Pure, for the "build-args were not consumed" check.
 */

/** Build args Docker accepts without an ARG line (proxies), so it never warns about them. */
export const PREDEFINED_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

export function declaredArgs(dockerfile: string): Set<string> {
  const lines = dockerfile.replace(/\r\n/g, '\n').split('\n');
  let escape = '\\';
  const directive = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(lines[0] ?? '');
  if (directive) escape = directive[1] as string;
  const instructions: string[] = [];
  let cur = '';
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (!cur && /^\s*#/.test(line)) continue;
    if (cur && /^\s*#/.test(line)) continue; // comments inside a continuation are dropped
    if (line.endsWith(escape)) {
      cur += `${line.slice(0, -1)} `;
      continue;
    }
    cur += line;
    if (cur.trim()) instructions.push(cur.trim());
    cur = '';
  }
  if (cur.trim()) instructions.push(cur.trim());
  const args = new Set<string>();
  for (const ins of instructions) {
    const m = /^ARG\s+(.+)$/i.exec(ins);
    if (!m) continue;
    for (const part of (m[1] as string).split(/\s+/)) {
      const name = part.split('=')[0];
      if (name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) args.add(name);
    }
  }
  return args;
}

/** `--build-arg` names the Dockerfile never declares (Docker's "[Warning] One or more build-args … were not consumed"). */
export function unconsumedBuildArgs(dockerfile: string, buildArgs: readonly string[]): string[] {
  const declared = declaredArgs(dockerfile);
  return buildArgs.map((a) => a.split('=')[0] as string).filter((n) => n && !declared.has(n) && !PREDEFINED_ARGS.includes(n));
}

/** The registry a tag pushes to (Docker's rule: a first component with '.' or ':', or localhost). */
export function registryOf(tag: string): string {
  const first = tag.split('/')[0] ?? '';
  if (tag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}
