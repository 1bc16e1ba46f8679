import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { extract } from 'tar';
import { parse } from 'yaml';
import { startService } from '../actions/shared/src/qa-service.js';
import type { ServiceHandle } from '../actions/shared/src/qa-service.js';
import { GitopsMlError } from '../model/errors.js';

/*
 * What Argo CD or Flux would do in a cluster: watch each environment's overlay on the
 * GitOps branch and run what it names. The image tag `<model>-<version>` names a release;
 * the service runs that release's handoff package (its `model/` folder) with node, behind
 * a stable loopback URL per environment, so the deploy's smoke test calls the new model
 * and a wrong tag or a broken package fails it as a cluster would. (A real cluster runs
 * the image; the image build itself is the deploy job's, with podman where it exists.)
 */

export interface ClusterEnvironment {
  name: string;
  /** The overlay's kustomization, e.g. deploy/k8s/overlays/staging/kustomization.yaml. */
  overlay: string;
}

export interface ClusterSource {
  /** The file at the head of `branch`, or undefined. */
  readFile(branch: string, path: string): Promise<string | undefined>;
  /** The bytes of a release asset by tag and name, or undefined. */
  releaseAsset(tag: string, name: string): Promise<Buffer | undefined>;
}

export interface ClusterOptions {
  source: ClusterSource;
  branch: string;
  environments: readonly ClusterEnvironment[];
  /** The service entry (dist/service/server.js of the template). */
  serviceEntry: string;
  workDir: string;
  log?: (line: string) => void;
}

export interface Rollout {
  environment: string;
  tag: string;
  state: 'running' | 'failed';
  detail: string;
}

/** `<model>-<version>` (the deploy's tag scheme) → its parts; the version is the last dash-separated semver. */
export function parseImageTag(tag: string): { model: string; version: string } | undefined {
  const m = /^([a-z0-9][a-z0-9-]*)-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag);
  return m ? { model: m[1] as string, version: m[2] as string } : undefined;
}

/** The tag an overlay deploys (its one kustomize `images:` entry). */
export function overlayTag(kustomization: string): string | undefined {
  const doc = parse(kustomization) as { images?: { newTag?: unknown }[] } | null;
  const tag = doc?.images?.[0]?.newTag;
  return typeof tag === 'string' ? tag : undefined;
}

interface Running {
  tag: string;
  port: number;
  handle: ServiceHandle;
}

export class Reconciler {
  private readonly proxies = new Map<string, { server: Server; port: number }>();
  private readonly running = new Map<string, Running>();
  readonly rollouts: Rollout[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly log: (line: string) => void;
  /** The tag each environment last failed to run, so a stuck overlay is reported once. */
  private readonly failedTag = new Map<string, string>();

  constructor(private readonly opts: ClusterOptions) {
    this.log = opts.log ?? (() => undefined);
    mkdirSync(opts.workDir, { recursive: true });
  }

  /** Binds each environment's stable URL (answers 503 until something is deployed). */
  async start(): Promise<Record<string, string>> {
    const urls: Record<string, string> = {};
    for (const env of this.opts.environments) {
      const server = createServer((req, res) => {
        const target = this.running.get(env.name);
        if (!target) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"nothing deployed"}');
        const up = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"upstream down"}'));
        req.pipe(up);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const port = (server.address() as AddressInfo).port;
      this.proxies.set(env.name, { server, port });
      urls[env.name] = `http://127.0.0.1:${port}`;
    }
    return urls;
  }

  /** Queues a look at every overlay (a push to the GitOps branch happened). */
  reconcile(): Promise<void> {
    this.queue = this.queue.then(() => this.reconcileAll()).catch((err: unknown) => this.log(`[cluster] ${(err as Error).message}`));
    return this.queue;
  }

  private async reconcileAll(): Promise<void> {
    for (const env of this.opts.environments) {
      const text = await this.opts.source.readFile(this.opts.branch, env.overlay);
      const tag = text ? overlayTag(text) : undefined;
      if (!tag || this.running.get(env.name)?.tag === tag || this.failedTag.get(env.name) === tag) continue;
      try {
        await this.rollOut(env.name, tag);
        this.rollouts.push({ environment: env.name, tag, state: 'running', detail: 'serving' });
        this.log(`[cluster] ${env.name}: ${tag} is serving`);
      } catch (err) {
        // As a cluster would: the old pods keep serving when the new ones never become ready.
        this.failedTag.set(env.name, tag);
        this.rollouts.push({ environment: env.name, tag, state: 'failed', detail: (err as Error).message });
        this.log(`[cluster] ${env.name}: ${tag} failed: ${(err as Error).message}`);
      }
    }
  }

  private async rollOut(environment: string, tag: string): Promise<void> {
    const parsed = parseImageTag(tag);
    if (!parsed) throw new GitopsMlError('E_CLUSTER_TAG', `image tag "${tag}" is not <model>-<version>`);
    const asset = await this.opts.source.releaseAsset(`${parsed.model}-v${parsed.version}`, `${parsed.model}-${parsed.version}.tar.gz`);
    if (!asset) throw new GitopsMlError('E_CLUSTER_IMAGE', `no image for ${tag}: release ${parsed.model}-v${parsed.version} has no package ${parsed.model}-${parsed.version}.tar.gz (ErrImagePull)`);
    const dir = mkdtempSync(join(this.opts.workDir, `${environment}-${tag}-`));
    writeFileSync(join(dir, 'package.tar.gz'), asset);
    await extract({ file: join(dir, 'package.tar.gz'), cwd: dir });
    const top = readdirSync(dir).find((n) => n !== 'package.tar.gz');
    if (!top) throw new GitopsMlError('E_CLUSTER_IMAGE', `package of ${tag} is empty`);
    const handle = await startService({ entry: this.opts.serviceEntry, modelDir: join(dir, top, 'model'), env: { LOG_LEVEL: 'warn', INFERENCE_THREADS: '0' }, readyTimeoutMs: 60_000, logDir: dir, node: process.execPath }).catch((err: unknown) => {
      throw new GitopsMlError('E_CLUSTER_READY', `${tag} never became ready (CrashLoopBackOff): ${(err as Error).message}`);
    });
    const port = Number(new URL(handle.base).port);
    const previous = this.running.get(environment);
    this.running.set(environment, { tag, port, handle });
    await previous?.handle.stop(5000);
  }

  /** The tag each environment serves now. */
  serving(): Record<string, string> {
    return Object.fromEntries([...this.running].map(([env, r]) => [env, r.tag]));
  }

  async close(): Promise<void> {
    await this.queue;
    for (const r of this.running.values()) await r.handle.stop(5000);
    for (const p of this.proxies.values()) await new Promise<void>((ok) => p.server.close(() => ok()));
    this.running.clear();
    rmSync(this.opts.workDir, { recursive: true, force: true });
  }
}
