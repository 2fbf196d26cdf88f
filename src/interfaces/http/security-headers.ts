import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Where the OpenAPI page lives; Swagger UI needs inline styles there and nowhere else. */
export const DOCS_PATH = '/docs';

/**
 * The browser client's pages may load code, styles and media only from this origin (recordings
 * play from `blob:` URLs made after an authenticated fetch); nothing may frame them.
 */
const APP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
};

/** Swagger UI: its own scripts from this origin, but inline `<style>` blocks and style attributes. */
const DOCS_DIRECTIVES = {
  ...APP_DIRECTIVES,
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
};

/**
 * For the HTTP responses socket.io's engine answers itself (handshakes and long-polling, which
 * carry signaling messages): they never render, so only the headers that matter for data.
 */
export const SOCKET_HTTP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  // Lower case, as engine.io writes its own (it sets cache-control itself on polling).
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

function isDocs(path: string): boolean {
  return path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`) || path.startsWith(`${DOCS_PATH}-`);
}

/**
 * The headers every response carries, API, OpenAPI page, the web client's files, errors and 404s
 * alike. Registered before anything else answers. Responses are `no-store` unless a route says
 * otherwise: nearly every one is about a patient or a call, and the web client's static files
 * (which hold no PHI) set their own caching. HSTS only over TLS as Express sees it (`req.secure`,
 * which follows `trust proxy`): over plain HTTP the header means nothing and would pin a name
 * that may never serve TLS.
 */
export function securityHeaders(): RequestHandler[] {
  const common = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  const appPolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: APP_DIRECTIVES,
  });
  const docsPolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: DOCS_DIRECTIVES,
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: 63_072_000, includeSubDomains: true });
  return [
    common,
    (request: Request, response: Response, next: NextFunction) =>
      isDocs(request.path)
        ? docsPolicy(request, response, next)
        : appPolicy(request, response, next),
    (request: Request, response: Response, next: NextFunction) => {
      response.setHeader(
        'Permissions-Policy',
        'camera=(self), microphone=(self), display-capture=(self)',
      );
      response.setHeader('Cache-Control', 'no-store');
      if (request.secure) hsts(request, response, next);
      else next();
    },
  ];
}
