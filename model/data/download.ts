import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GitopsMlError } from '../errors.js';

/** `total` is undefined when the server sends no usable Content-Length. */
export type ProgressCallback = (received: number, total: number | undefined) => void;

export interface DownloadOptions {
  /** When set, the download is rejected (and nothing is kept) unless the bytes hash to this. */
  expectedSha256?: string;
  /** Whole-request budget (headers and body). No timeout when omitted. */
  timeoutMs?: number;
  /** `false` silences progress; omitted means the stderr printer outside tests. */
  onProgress?: ProgressCallback | false;
}

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

/**
 * Downloads `url` to `dest`. Bytes go to a temporary file next to `dest` and are hashed
 * as they arrive; only a complete, verified file is renamed into place, so a crash or a
 * bad download never leaves a truncated or corrupt file under the final name.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const signal = opts.timeoutMs !== undefined ? AbortSignal.timeout(opts.timeoutMs) : undefined;
  const timeoutError = () =>
    new GitopsMlError('E_DOWNLOAD_TIMEOUT', `download of ${url} did not finish within ${opts.timeoutMs} ms`);

  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    if (isAbortError(err)) throw timeoutError();
    throw new GitopsMlError('E_DOWNLOAD_FAILED', `download of ${url} failed: ${failureReason(err)}`, { cause: err });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new GitopsMlError(
      'E_DOWNLOAD_HTTP',
      `download of ${url} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
    );
  }

  const dir = dirname(dest);
  const tmp = join(dir, `.${basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  const total = contentLength(res);
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
        hash.update(next.value);
        await fh.write(next.value);
        received += next.value.byteLength;
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
    if (isAbortError(err)) throw timeoutError();
    throw err;
  }
}
