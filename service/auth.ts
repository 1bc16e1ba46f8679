import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../model/errors.js';
import { problem } from './problems.js';

/**
 * Optional API-key auth: on when key hashes are configured. Keys are given as sha256
 * hex digests (API_KEY_SHA256, comma-separated, or one per line in API_KEYS_FILE), so
 * the server never stores a usable key. A presented key is hashed and compared with
 * every configured hash in constant time (no early exit on the first match either).
 */
export function parseKeyHashes(env: NodeJS.ProcessEnv): Buffer[] {
  const raw: string[] = [];
  if (env.API_KEY_SHA256) raw.push(...env.API_KEY_SHA256.split(','));
  if (env.API_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(env.API_KEYS_FILE, 'utf8');
    } catch (err) {
      throw new ValidationError(`API_KEYS_FILE=${env.API_KEYS_FILE}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    raw.push(...text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')));
  }
  return raw.map((h, i) => {
    const hex = h.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ValidationError(`API key hash #${i + 1} must be 64 hex characters (sha256 of the key), got ${hex.length} characters`);
    return Buffer.from(hex, 'hex');
  });
}

/** Index of the configured hash the key matches, or -1. Every hash is compared, match or not, so timing does not tell which one (or whether any) matched. */
export function keyIndex(presented: string, hashes: readonly Buffer[]): number {
  const digest = createHash('sha256').update(presented).digest();
  let found = -1;
  hashes.forEach((h, i) => {
    if (timingSafeEqual(digest, h)) found = i;
  });
  return found;
}

export function keyMatches(presented: string, hashes: readonly Buffer[]): boolean {
  return keyIndex(presented, hashes) >= 0;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** "key-<n>" (position in the configured list) once auth accepted the request's key; never the key itself. */
    apiKeyId?: string;
  }
}

/** Routes that stay open for probes, scrapers and the API description. */
const PUBLIC = new Set(['/healthz', '/readyz', '/metrics', '/v2/health/live', '/v2/health/ready', '/openapi.json']);
export const isPublicPath = (path: string): boolean => PUBLIC.has(path) || path === '/docs' || path.startsWith('/docs/');

export function installAuth(app: FastifyInstance, hashes: readonly Buffer[]): void {
  app.decorateRequest('apiKeyId', undefined);
  if (hashes.length === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    if (isPublicPath(request.url.split('?')[0] as string)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    const index = match ? keyIndex(match[1] as string, hashes) : -1;
    if (index >= 0) {
      request.apiKeyId = `key-${index + 1}`;
      return;
    }
    const body = problem('unauthorized', match ? 'the API key is not valid' : 'send "Authorization: Bearer <key>"', request.url.split('?')[0]);
    return reply.code(401).header('www-authenticate', 'Bearer realm="gitops-ml"').type('application/problem+json').send(body);
  });
}
