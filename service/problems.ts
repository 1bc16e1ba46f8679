/**
 * RFC 9457 problem details with stable `type` URIs: clients and tests match on `type`,
 * never on the human-readable `detail`.
 */
export const PROBLEM_BASE = 'https://gitops-ml.dev/problems/';

export const PROBLEMS = {
  malformedUrl: { slug: 'malformed-url', status: 400, title: 'Malformed URL' },
  malformedRequest: { slug: 'malformed-request', status: 400, title: 'Malformed HTTP request' },
  headersTooLarge: { slug: 'headers-too-large', status: 431, title: 'Request header fields too large' },
  requestTimeout: { slug: 'request-timeout', status: 408, title: 'Request timeout' },
  malformedJson: { slug: 'malformed-json', status: 400, title: 'Malformed JSON' },
  invalidRequest: { slug: 'invalid-request', status: 422, title: 'Invalid request' },
  bodyTooLarge: { slug: 'body-too-large', status: 413, title: 'Request body too large' },
  unsupportedMediaType: { slug: 'unsupported-media-type', status: 415, title: 'Unsupported media type' },
  notFound: { slug: 'not-found', status: 404, title: 'Not found' },
  unauthorized: { slug: 'unauthorized', status: 401, title: 'Unauthorized' },
  forbidden: { slug: 'forbidden', status: 403, title: 'Forbidden' },
  rateLimited: { slug: 'rate-limited', status: 429, title: 'Too many requests' },
  artifactRefused: { slug: 'artifact-refused', status: 409, title: 'Model artifact refused' },
  modelNotReady: { slug: 'model-not-ready', status: 503, title: 'Model not ready' },
  overloaded: { slug: 'overloaded', status: 503, title: 'Server overloaded' },
  internal: { slug: 'internal', status: 500, title: 'Internal error' },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export function problem(kind: ProblemKind, detail: string, instance?: string): Problem {
  const p = PROBLEMS[kind];
  return { type: `${PROBLEM_BASE}${p.slug}`, title: p.title, status: p.status, detail, ...(instance ? { instance } : {}) };
}
