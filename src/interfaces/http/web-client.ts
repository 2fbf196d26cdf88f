import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * The client's files hold no patient data, so they may be cached (every other response is
 * `no-store`, see security-headers.ts): hashed asset names never change content; the page itself
 * must always be fresh.
 */
function cachingHeaders(response: Response, filePath: string): void {
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
    setHeaders: cachingHeaders,
    fallthrough: true,
  });
  return true;
}
