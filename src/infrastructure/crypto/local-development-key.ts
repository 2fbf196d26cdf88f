import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';

const VARIABLE = 'RECORDING_KEK_FILE';

/**
 * Outside production, without RECORDING_KEK, recordings are sealed with a key generated once
 * into a file under the data directory and reused on every start, so a restart never makes a
 * recording unreadable. The file must be readable by its owner only. Production refuses to start
 * without RECORDING_KEK.
 */
export function loadOrCreateLocalKey(file: string): { key: Buffer; generated: boolean } {
  if (!existsSync(file)) return { key: createLocalKeyFile(file), generated: true };
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new ConfigError(VARIABLE, `${file} must be readable by its owner only (chmod 600)`);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== 32) {
    throw new ConfigError(VARIABLE, `${file} does not hold a 32-byte hex key`);
  }
  return { key, generated: false };
}

/** A new key in a new file (never over an existing one), readable by its owner only. */
function createLocalKeyFile(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  // The mode given to writeFileSync is subject to the umask; this one is not.
  chmodSync(file, 0o600);
  return key;
}
