import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isPublicPath } from './auth.js';
import type { ServiceConfig } from './config.js';

/** Probes and the scraper must keep answering when clients are throttled or the server sheds load. */
const LIVENESS = new Set(['/healthz', '/v2/health/live', '/metrics']);
const pathOf = (url: string): string => url.split('?')[0] as string;

/**
 * Rate limiting per client (its API key when auth is on, else its IP) and load
 * shedding: when the event loop's mean delay over the last sample passes the limit,
 * requests get 503 with Retry-After at once instead of queueing for unbounded time.
 * Must be registered before the routes so their hooks attach to them.
 */
/** Shared with the model loader: until `pausedUntil` (epoch ms) load shedding lets requests through. */
export interface SheddingState {
  pausedUntil: number;
}

/** How often under-pressure samples the event loop; a pause must outlast two samples. */
export const SHED_SAMPLE_MS = 250;

async function protection(app: FastifyInstance, opts: { config: ServiceConfig; shedding: SheddingState }): Promise<void> {
  const { config, shedding } = opts;
  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      // Runs after auth (an instance-level onRequest hook), so a valid key is known here.
      keyGenerator: (request) => request.apiKeyId ?? `ip:${request.ip}`,
      allowList: (request) => isPublicPath(pathOf(request.url)),
      errorResponseBuilder: (_request, context) => {
        const err = new Error(`rate limit of ${context.max} requests per ${config.rateLimitWindowMs / 1000} s exceeded, retry in ${context.after}`) as Error & { statusCode: number };
        err.statusCode = context.statusCode;
        return err;
      },
    });
  }
  if (config.shedMaxEventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: config.shedMaxEventLoopDelayMs,
      sampleInterval: SHED_SAMPLE_MS,
      retryAfter: config.shedRetryAfterSeconds,
      pressureHandler: (request, reply, type, value) => {
        if (LIVENESS.has(pathOf(request.url))) return undefined; // let it through
        // Our own model load blocked the loop; the delay it left in the sample is not overload.
        if (Date.now() < shedding.pausedUntil) return undefined;
        reply.header('retry-after', String(config.shedRetryAfterSeconds));
        // A rejection goes to the error handler of the route's context (problem+json, or
        // {error} under /v2). Sending from here would race Fastify's routing: the reply
        // is not "sent" until its onSend hooks finish, so a 404 could overwrite the status.
        const err = new Error(`server overloaded (${type}${typeof value === 'number' ? ` ${Math.round(value)}` : ''}); retry after ${config.shedRetryAfterSeconds} s`) as Error & { statusCode: number };
        err.statusCode = 503;
        return Promise.reject(err);
      },
    });
  }
}

/** Not encapsulated (fastify-plugin), so the hooks reach the routes registered after it. */
export const registerProtection = fp(protection, { name: 'gitops-ml-protection', fastify: '5.x' });
