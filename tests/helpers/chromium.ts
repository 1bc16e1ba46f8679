/**
 * Headless Chromium over the DevTools protocol, for tests that need a real browser:
 * `chromium --headless=new --remote-debugging-port=0`, the port read from the profile's
 * DevToolsActivePort file, one page attached through a flat session. The page's console
 * errors, uncaught exceptions and error log entries are collected as they happen.
 */

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** The Chromium binary: $CHROMIUM, else chromium or google-chrome on PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => Boolean(c));
  return candidates.find((c) => spawnSync(c, ['--version'], { stdio: 'ignore', timeout: 20_000 }).status === 0);
}

export interface PageProblem {
  source: 'console' | 'exception' | 'log';
  text: string;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

export class Chromium {
  /** What the page reported as an error since it was opened. */
  readonly problems: PageProblem[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { method: string; resolve: (p: Record<string, unknown>) => void }[] = [];
  private sessionId = '';

  private constructor(
    private readonly proc: ChildProcess,
    private readonly ws: WebSocket,
    private readonly profile: string,
  ) {
    ws.on('message', (raw) => this.onMessage(JSON.parse(String(raw)) as Record<string, unknown>));
  }

  static async launch(opts: { binary?: string; width?: number; height?: number } = {}): Promise<Chromium> {
    const binary = opts.binary ?? findChromium();
    if (!binary) throw new Error('Chromium not found: install the Debian package chromium (.ci/install-system-deps.sh does) or set CHROMIUM');
    const profile = mkdtempSync(join(tmpdir(), 'gitops-ml-chromium-'));
    const args = [
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--mute-audio',
      `--window-size=${opts.width ?? 1280},${opts.height ?? 900}`,
      // Chromium refuses its sandbox as root (containers, CI).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      'about:blank',
    ];
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const portFile = join(profile, 'DevToolsActivePort');
    const deadline = Date.now() + 30_000;
    while (!existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        rmSync(profile, { recursive: true, force: true });
        throw new Error(`Chromium did not start (exit ${proc.exitCode}): ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const [port, path] = readFileSync(portFile, 'utf8').split('\n');
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 });
    await new Promise<void>((ok, ko) => {
      ws.once('open', () => ok());
      ws.once('error', ko);
    });
    const browser = new Chromium(proc, ws, profile);
    const { targetId } = (await browser.send('Target.createTarget', { url: 'about:blank' }, false)) as { targetId: string };
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true }, false)) as { sessionId: string };
    browser.sessionId = sessionId;
    await browser.send('Runtime.enable');
    await browser.send('Log.enable');
    await browser.send('Page.enable');
    await browser.send('Emulation.setDeviceMetricsOverride', { width: opts.width ?? 1280, height: opts.height ?? 900, deviceScaleFactor: 1, mobile: false });
    return browser;
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      const error = msg.error as { message?: string; data?: string } | undefined;
      if (error) p.reject(new Error(`${error.message ?? 'CDP error'}${error.data ? `: ${error.data}` : ''}`));
      else p.resolve((msg.result ?? {}) as Record<string, unknown>);
      return;
    }
    const method = String(msg.method ?? '');
    const params = (msg.params ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
      this.problems.push({ source: 'console', text: (params.args as { value?: unknown; description?: string }[]).map((a) => String(a.value ?? a.description ?? '')).join(' ') });
    } else if (method === 'Runtime.exceptionThrown') {
      const d = params.exceptionDetails as { text?: string; exception?: { description?: string } };
      this.problems.push({ source: 'exception', text: `${d.text ?? ''} ${d.exception?.description ?? ''}`.trim() });
    } else if (method === 'Log.entryAdded' && params.entry?.level === 'error') {
      this.problems.push({ source: 'log', text: `${params.entry.text ?? ''}${params.entry.url ? ` (${params.entry.url})` : ''}` });
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && w.method === method) {
        this.waiters.splice(i, 1);
        w.resolve(params);
      }
    }
  }

  /** A DevTools command, on the page's session unless `onPage` is false. */
  send(method: string, params: Record<string, unknown> = {}, onPage = true): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params, ...(onPage ? { sessionId: this.sessionId } : {}) }));
    });
  }

  private event(method: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        method,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** Opens a URL and waits for its load event. */
  async open(url: string, timeoutMs = 30_000): Promise<void> {
    const loaded = this.event('Page.loadEventFired', timeoutMs);
    const nav = (await this.send('Page.navigate', { url })) as { errorText?: string };
    if (nav.errorText) throw new Error(`navigation to ${url} failed: ${nav.errorText}`);
    await loaded;
  }

  /** Evaluates an expression in the page (awaiting a promise) and returns its value as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as { result: { value?: T }; exceptionDetails?: { text?: string; exception?: { description?: string } } };
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? 'exception'}`);
    return r.result.value as T;
  }

  /** Polls an expression until it is truthy. */
  async waitFor(expression: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A PNG of the whole page (up to maxHeight CSS pixels tall). */
  async screenshot(maxHeight = 16_000): Promise<Buffer> {
    const m = (await this.send('Page.getLayoutMetrics')) as { cssContentSize: { width: number; height: number } };
    const width = Math.ceil(m.cssContentSize.width);
    const height = Math.min(maxHeight, Math.ceil(m.cssContentSize.height));
    const shot = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } })) as { data: string };
    return Buffer.from(shot.data, 'base64');
  }

  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.send('Browser.close', {}, false), new Promise((r) => (timer = setTimeout(r, 3000)))]);
    } catch {
      // already closing
    } finally {
      clearTimeout(timer);
    }
    for (const p of this.pending.values()) p.reject(new Error('browser closed'));
    this.pending.clear();
    this.ws.terminate();
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
