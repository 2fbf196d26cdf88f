import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * The browser client's pages may load code, styles and media only from this origin (recordings
 * play from `blob:` URLs made after an authenticated fetch); nothing may frame them.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function securityHeaders(response: Response, filePath: string): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader(
    'Permissions-Policy',
    'camera=(self), microphone=(self), display-capture=(self)',
  );
  // Hashed asset names never change content; the page itself must always be fresh.
  response.setHeader(
    'Cache-Control',
    filePath.includes(`${path.sep}assets${path.sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  );
}

/**
 * Serves the built web client (web/dist) at /. The client routes with the URL's hash, so only
 * files are served here and every API path stays the API's. Returns false when nothing is built.
 */
export function serveWebClient(app: NestExpressApplication, directory: string): boolean {
  const root = path.resolve(directory);
  if (!existsSync(path.join(root, 'index.html'))) return false;
  app.useStaticAssets(root, {
    index: 'index.html',
    setHeaders: securityHeaders,
    fallthrough: true,
  });
  return true;
}
