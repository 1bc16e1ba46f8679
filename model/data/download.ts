import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GitopsMlError } from '../errors.js';

/** `total` is undefined when the server sends no usable Content-Length. */
export type ProgressCallback = (received: number, total: number | undefined) => void;

export interface DownloadOptions {
  /** When set, the download is rejected (and nothing is kept) unless the bytes hash to this. */
  expectedSha256?: string;
  /** Whole-request budget (headers and body) of one attempt. No overall timeout when omitted. */
  timeoutMs?: number;
  /** A server that sends nothing for this long is given up on (default 30 s). */
  idleTimeoutMs?: number;
  /** Bodies larger than this are refused, before reading when the server says so (default: no cap). */
  maxBytes?: number;
  /** Redirects followed before giving up (default 5, as curl's sensible cap is small too). */
  maxRedirects?: number;
  /** Further attempts after a transient failure (network, 5xx, 408, 429, truncated, stalled); default 2. */
  retries?: number;
  /** First backoff; doubled each attempt, with jitter (default 1 s). */
  backoffMs?: number;
  /** `false` silences progress; omitted means the stderr printer outside tests. */
  onProgress?: ProgressCallback | false;
}

/** Download failures that a later attempt may not repeat. */
const TRANSIENT = new Set(['E_DOWNLOAD_FAILED', 'E_DOWNLOAD_STALLED', 'E_DOWNLOAD_TRUNCATED', 'E_DOWNLOAD_HTTP_TRANSIENT']);

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
}

const MB = 1024 * 1024;

export function formatProgress(received: number, total: number | undefined): string {
  const mb = (received / MB).toFixed(1);
  if (total === undefined || total <= 0) return `${mb} MB`;
  const percent = Math.min(100, Math.floor((received / total) * 100));
  return `${percent}% (${mb} / ${(total / MB).toFixed(1)} MB)`;
}

/**
 * Prints to `stream`. On a terminal it redraws one line; in logs (CI) it writes a line
 * every 10% (or every 10 MB without a total) so the log stays short.
 */
export function createStderrProgress(
  label: string,
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): ProgressCallback {
  const tty = stream.isTTY === true;
  let lastStep = -1;
  return (received, total) => {
    const known = total !== undefined && total > 0;
    const step = known
      ? Math.floor((received / total) * (tty ? 100 : 10))
      : Math.floor(received / (tty ? MB : 10 * MB));
    const done = known && received >= total;
    if (step === lastStep && !done) return;
    lastStep = step;
    const line = `${label}: ${formatProgress(received, total)}`;
    stream.write(tty ? `\r${line}${done ? '\n' : ''}` : `${line}\n`);
  };
}

/** Progress output would only clutter test logs, so the default printer is off under jest or NODE_ENV=test. */
export function isTestEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.JEST_WORKER_ID !== undefined || env.NODE_ENV === 'test';
}

function resolveProgress(url: string, option: DownloadOptions['onProgress']): ProgressCallback | undefined {
  if (option === false) return undefined;
  if (option) return option;
  return isTestEnvironment() ? undefined : createStderrProgress(`download ${url}`);
}

/** fetch transparently decompresses, so a compressed body's Content-Length says nothing about the bytes we see. */
function contentLength(res: Response): number | undefined {
  const encoding = res.headers.get('content-encoding');
  if (encoding !== null && encoding.toLowerCase() !== 'identity') return undefined;
  const raw = res.headers.get('content-length');
  if (raw === null) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/*
 * Duck-typed rather than instanceof: fetch's errors (DOMException, TypeError) come from
 * Node's own realm, which is not the caller's under a vm sandbox such as jest's.
 */
function field(err: unknown, key: 'name' | 'message' | 'cause'): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

function isAbortError(err: unknown): boolean {
  const name = field(err, 'name');
  return name === 'TimeoutError' || name === 'AbortError';
}

/** undici reports "fetch failed" and hides the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function failureReason(err: unknown): string {
  const cause = field(err, 'cause');
  const message = field(cause, 'message') ?? field(err, 'message');
  return typeof message === 'string' && message !== '' ? message : String(err);
}

function errnoCode(err: unknown): string | undefined {
  const cause = field(err, 'cause');
  const code = typeof cause === 'object' && cause !== null ? (cause as Record<string, unknown>).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function httpError(url: string, res: Response): GitopsMlError {
  const transient = res.status >= 500 || res.status === 408 || res.status === 429;
  const error = new GitopsMlError(
    'E_DOWNLOAD_HTTP',
    `download of ${url} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
  );
  return transient ? Object.assign(error, { transient: true }) : error;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** Follows redirects ourselves, so their number is bounded and a loop is named as one. */
async function request(url: string, signal: AbortSignal | undefined, maxRedirects: number): Promise<{ res: Response; finalUrl: string }> {
  let current = url;
  const seen: string[] = [];
  for (;;) {
    let res: Response;
    try {
      res = await fetch(current, { signal, redirect: 'manual' });
    } catch (err) {
      if (isAbortError(err)) throw err;
      const code = errnoCode(err);
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        throw new GitopsMlError('E_DOWNLOAD_DNS', `download of ${current} failed: could not resolve ${new URL(current).hostname} (${code})`, { cause: err });
      }
      throw new GitopsMlError('E_DOWNLOAD_FAILED', `download of ${current} failed: ${failureReason(err)}`, { cause: err });
    }
    const location = res.headers.get('location');
    if (!REDIRECT.has(res.status) || location === null) return { res, finalUrl: current };
    await res.body?.cancel();
    seen.push(current);
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new GitopsMlError('E_DOWNLOAD_REDIRECTS', `download of ${url} was redirected to unsupported ${next.protocol} URL ${next.href}`);
    }
    if (seen.length > maxRedirects || seen.includes(next.href)) {
      const loop = seen.includes(next.href) ? 'a redirect loop' : `more than ${maxRedirects} redirects`;
      throw new GitopsMlError('E_DOWNLOAD_REDIRECTS', `download of ${url} failed: ${loop} (${[...seen, next.href].join(' → ')})`);
    }
    current = next.href;
  }
}

/**
 * Downloads `url` to `dest`. Bytes go to a temporary file next to `dest` and are hashed
 * as they arrive; only a complete, verified file is renamed into place, so a crash or a
 * bad download never leaves a truncated or corrupt file under the final name. Transient
 * failures are retried with exponential backoff; a wrong checksum or a 404 is not.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const retries = opts.retries ?? 2;
  const backoff = opts.backoffMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadOnce(url, dest, opts);
    } catch (err) {
      const code = err instanceof GitopsMlError ? err.code : '';
      const transient = TRANSIENT.has(code) || (code === 'E_DOWNLOAD_HTTP' && (err as { transient?: boolean }).transient === true);
      if (!transient || attempt >= retries) throw err;
      const wait = backoff * 2 ** attempt * (0.75 + Math.random() * 0.5);
      await new Promise((ok) => setTimeout(ok, wait));
    }
  }
}

async function downloadOnce(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  const overall = opts.timeoutMs !== undefined ? AbortSignal.timeout(opts.timeoutMs) : undefined;
  const idle = new AbortController();
  const signal = overall ? AbortSignal.any([overall, idle.signal]) : idle.signal;
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.abort(), idleMs);
  };
  const timeoutError = (received: number): GitopsMlError =>
    idle.signal.aborted
      ? new GitopsMlError('E_DOWNLOAD_STALLED', `download of ${url} stalled: nothing received for ${idleMs} ms after ${received} bytes`)
      : new GitopsMlError('E_DOWNLOAD_TIMEOUT', `download of ${url} did not finish within ${opts.timeoutMs} ms`);

  armIdle();
  let res: Response;
  try {
    res = (await request(url, signal, opts.maxRedirects ?? 5)).res;
  } catch (err) {
    clearTimeout(idleTimer);
    if (isAbortError(err)) throw timeoutError(0);
    throw err;
  }
  if (!res.ok || !res.body) {
    clearTimeout(idleTimer);
    await res.body?.cancel();
    throw httpError(url, res);
  }
  const total = contentLength(res);
  if (opts.maxBytes !== undefined && total !== undefined && total > opts.maxBytes) {
    clearTimeout(idleTimer);
    await res.body.cancel();
    throw new GitopsMlError('E_DOWNLOAD_TOO_LARGE', `download of ${url} refused: ${total} bytes is over the cap of ${opts.maxBytes}`);
  }

  const dir = dirname(dest);
  const tmp = join(dir, `.${basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  const progress = resolveProgress(url, opts.onProgress);
  const hash = createHash('sha256');
  const reader = res.body.getReader();
  let received = 0;

  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'wx');
    try {
      for (;;) {
        const next = await reader.read().catch((err: unknown) => {
          if (isAbortError(err)) throw err;
          throw new GitopsMlError(
            'E_DOWNLOAD_FAILED',
            `download of ${url} broke off after ${received} bytes: ${failureReason(err)}`,
            { cause: err },
          );
        });
        if (next.done) break;
        armIdle();
        received += next.value.byteLength;
        if (opts.maxBytes !== undefined && received > opts.maxBytes) {
          throw new GitopsMlError('E_DOWNLOAD_TOO_LARGE', `download of ${url} refused: the body grew past the cap of ${opts.maxBytes} bytes`);
        }
        hash.update(next.value);
        await fh.write(next.value);
        progress?.(received, total);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (total !== undefined && received !== total) {
      throw new GitopsMlError(
        'E_DOWNLOAD_TRUNCATED',
        `download of ${url} ended after ${received} of ${total} bytes`,
      );
    }
    const sha256 = hash.digest('hex');
    if (opts.expectedSha256 !== undefined && sha256 !== opts.expectedSha256.toLowerCase()) {
      throw new GitopsMlError(
        'E_DOWNLOAD_CHECKSUM',
        `checksum mismatch for ${url}: expected sha256 ${opts.expectedSha256}, got ${sha256}; the file was discarded`,
      );
    }
    await rename(tmp, dest);
    return { path: dest, sha256, bytes: received };
  } catch (err) {
    // Releases the connection when we stop early (disk error); a failure here would only mask `err`.
    await reader.cancel().catch(() => undefined);
    await rm(tmp, { force: true });
    if (isAbortError(err)) throw timeoutError(received);
    throw err;
  } finally {
    clearTimeout(idleTimer);
  }
}
