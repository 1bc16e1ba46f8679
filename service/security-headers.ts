/**
 * The security headers of every answer: the set the OWASP REST Security Cheat Sheet
 * ("Security Headers") asks of a JSON API, as one constant object.
 *
 * helmet's defaults (a dozen headers, ~690 bytes per answer) are written for HTML
 * pages: most of them (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) do nothing
 * for a JSON body, and on this API the bytes alone cost a measurable share of a
 * request (docs/BENCHMARKS.md). What a browser could still do with a JSON answer is
 * sniff it as HTML, frame it or cache it; these headers stop that:
 *
 * - `Cache-Control: no-store`: predictions and errors are not for shared caches;
 * - `Content-Security-Policy`: nothing may load or frame it (`default-src 'self'`
 *   keeps same-origin documents working; Swagger UI's routes send their own CSP);
 * - `Strict-Transport-Security`: HTTPS only, once a client has seen it over HTTPS;
 * - `X-Content-Type-Options: nosniff`: the declared JSON type is final;
 * - `X-Frame-Options: DENY`: the pre-CSP form of `frame-ancestors 'none'`;
 * - `Referrer-Policy: no-referrer`: links from the docs do not leak the URL.
 *
 * Precomputed and frozen: the onRequest hook copies it onto each reply.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** The headers above (kept as a function for callers written against the helmet version). */
export function securityHeaders(): Readonly<Record<string, string>> {
  return SECURITY_HEADERS;
}
