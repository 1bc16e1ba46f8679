import helmet from 'helmet';

/**
 * helmet's default security headers (CSP, HSTS, nosniff, frame options, …), computed
 * once. helmet runs a dozen middlewares per request to produce the same constant set;
 * on this API that was ~8% of a request's CPU, so the service runs helmet once at start
 * and copies its result onto every reply. Routes that need another CSP (Swagger UI)
 * override that one header.
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet()({} as never, res as never, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    finished = true;
  });
  // helmet's defaults are synchronous; if a future version is not, fail loudly rather than ship no headers.
  if (!finished || Object.keys(headers).length === 0) throw new Error('helmet did not produce its headers synchronously');
  return Object.freeze(headers);
}
