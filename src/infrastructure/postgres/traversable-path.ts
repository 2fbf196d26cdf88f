import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as an unprivileged user.
 * That user must be able to pass through every folder above its binaries and data, which a
 * private parent (e.g. one made by `mktemp -d`, mode 0700) forbids. This adds search permission
 * (`o+x`, never read) to each such folder, from `target` up to the root.
 */
export function grantTraversalToOthers(target: string): void {
  let current = path.resolve(target);
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
