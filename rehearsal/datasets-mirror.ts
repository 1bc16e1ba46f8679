import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { Header } from 'tar';
import { GitopsMlError } from '../model/errors.js';
import { CANONICAL_ARCHIVES } from '../model/data/registry.js';
import type { CanonicalArchiveName } from '../model/data/registry.js';

/*
 * A loopback stand-in for the dataset hosts (GLUE, Stanford, Cornell, the NRC), which a
 * rehearsal and the tests cannot reach: real zip and tar.gz archives built from the
 * archives' members (a `canonical/` folder holding `<archive file>/<member path>` byte
 * for byte), served at their canonical paths, so GITOPS_ML_CANONICAL_MIRROR points at it.
 */

export interface FixtureEntry {
  name: string;
  data: Buffer;
  /** A symbolic link (its data is the target). */
  symlink?: boolean;
}

function archiveFolder(canonicalDir: string, archive: CanonicalArchiveName): string {
  return join(canonicalDir, basename(new URL(CANONICAL_ARCHIVES[archive].url).pathname));
}

/** Every file under the archive's folder, as archive entries in path order. */
export function canonicalEntries(canonicalDir: string, archive: CanonicalArchiveName): FixtureEntry[] {
  const root = archiveFolder(canonicalDir, archive);
  const out: FixtureEntry[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      throw new GitopsMlError('E_MIRROR_MEMBERS', `no members for ${CANONICAL_ARCHIVES[archive].url} at ${root} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    for (const name of names) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ name: relative(root, p).split('\\').join('/'), data: readFileSync(p) });
    }
  };
  walk(root);
  return out;
}

/** A real zip (fflate), with Unix mode bits so a symlink entry is one. */
export function buildZip(entries: readonly FixtureEntry[]): Buffer {
  const files: Zippable = {};
  for (const e of entries) {
    const mode = e.symlink ? 0o120777 : 0o100644;
    files[e.name] = [new Uint8Array(e.data), { os: 3, attrs: (mode << 16) >>> 0, level: 6, mtime: new Date('2013-10-01T00:00:00Z') }];
  }
  return Buffer.from(zipSync(files));
}

/** A real ustar + gzip, written header by header so a test can put any name in it. */
export function buildTarGz(entries: readonly FixtureEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const header = new Header({
      path: e.name,
      mode: e.symlink ? 0o777 : 0o644,
      size: e.symlink ? 0 : e.data.length,
      type: e.symlink ? 'SymbolicLink' : 'File',
      linkpath: e.symlink ? e.data.toString() : undefined,
      mtime: new Date('2005-06-01T00:00:00Z'),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (!e.symlink) {
      blocks.push(e.data, Buffer.alloc((512 - (e.data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export function buildArchive(archive: CanonicalArchiveName, entries: readonly FixtureEntry[]): Buffer {
  return CANONICAL_ARCHIVES[archive].format === 'zip' ? buildZip(entries) : buildTarGz(entries);
}

export function archivePath(archive: CanonicalArchiveName): string {
  return new URL(CANONICAL_ARCHIVES[archive].url).pathname;
}

const built = new Map<string, Buffer>();

export type MirrorRoute =
  | { kind: 'body'; body: Buffer; chunked?: boolean }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; to: string }
  /** Claims the whole length, sends this many bytes, then ends the response. */
  | { kind: 'truncate'; body: Buffer; after: number }
  /** Sends this many bytes, then nothing more (the connection stays open). */
  | { kind: 'stall'; body: Buffer; after: number };

/**
 * A loopback mirror of the canonical archives: GITOPS_ML_CANONICAL_MIRROR points at
 * `url`, and each archive is served at its canonical path. Routes can be replaced to
 * play a failing host; every request path is recorded.
 */
export class CanonicalMirror {
  constructor(private readonly canonicalDir: string) {}

  readonly routes = new Map<string, MirrorRoute>();
  readonly requests: string[] = [];
  private server: Server | undefined;
  url = '';

  /** Serves fixture archives built from canonical/ for every archive (built once per process). */
  serveAll(): this {
    for (const name of Object.keys(CANONICAL_ARCHIVES) as CanonicalArchiveName[]) {
      const key = `${this.canonicalDir}\0${name}`;
      let body = built.get(key);
      if (!body) built.set(key, (body = buildArchive(name, canonicalEntries(this.canonicalDir, name))));
      this.routes.set(archivePath(name), { kind: 'body', body });
    }
    return this;
  }

  count(path: string): number {
    return this.requests.filter((p) => p === path).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] as string;
      this.requests.push(path);
      const route = this.routes.get(path);
      if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      switch (route.kind) {
        case 'status':
          return void res.writeHead(route.status, { 'content-type': 'text/plain' }).end(`status ${route.status}`);
        case 'redirect':
          return void res.writeHead(302, { location: route.to }).end();
        case 'body': {
          const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
          if (!route.chunked) headers['content-length'] = route.body.length;
          res.writeHead(200, headers);
          const half = Math.floor(route.body.length / 2);
          res.write(route.body.subarray(0, half));
          return void res.end(route.body.subarray(half));
        }
        case 'truncate':
          res.writeHead(200, { 'content-length': route.body.length });
          return void res.write(route.body.subarray(0, route.after), () => res.destroy());
        case 'stall':
          res.writeHead(200, { 'content-length': route.body.length });
          return void res.write(route.body.subarray(0, route.after));
      }
    });
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}
