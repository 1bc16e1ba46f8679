import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/*
 * The npm registry as the rehearsal's jobs see it: every request goes to the real
 * registry, except npm audit's bulk-advisory endpoint where the real one cannot answer
 * (some registries and mirrors refuse it with 405, and then the security review can only
 * say "audit unavailable", which blocks the sign-off). That one endpoint answers as the
 * registry does when it knows no advisory for the packages asked about: 200 and `{}`.
 * The rehearsal says so in its record, because it is a stand-in answer, not a real audit.
 */

const AUDIT_PATHS = ['/-/npm/v1/security/advisories/bulk', '/-/npm/v1/security/audits/quick'];

export class NpmRegistryStandIn {
  private server: Server | undefined;
  url = '';
  /** Audit requests answered here (each is a stand-in answer). */
  auditRequests = 0;

  constructor(private readonly upstream = (process.env.npm_config_registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/')) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method === 'POST' && AUDIT_PATHS.includes(path)) {
      this.auditRequests++;
      for await (const _ of req) void _;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const up = await fetch(new URL((req.url ?? '/').replace(/^\//, ''), this.upstream), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'follow' });
      const out: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
      });
      res.writeHead(up.status, out);
      if (up.body) Readable.fromWeb(up.body as WebReadableStream).pipe(res);
      else res.end();
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `upstream ${this.upstream} unreachable: ${(err as Error).message}` }));
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }
}
