import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  formatSigningKey,
  generateSigningKey,
  parseSigningKey,
  type NoteSigningKey,
} from '../../application/ledger/signed-note.js';
import { ConfigError } from '../config/config-error.js';
import type { LedgerConfig } from '../config/ledger-config.js';

/**
 * The key that signs checkpoints: LEDGER_SIGNING_KEY, or the file that holds it. A key file must
 * be readable by its owner only. Outside production a missing file is generated once (0600) and
 * reused, so a development ledger's checkpoints stay verifiable across restarts.
 */
export function loadLedgerSigningKey(config: LedgerConfig): {
  key: NoteSigningKey;
  generated: boolean;
} {
  const source = config.signingKey;
  if (source.kind === 'inline') return { key: parseSigningKey(source.text), generated: false };
  const variable = 'LEDGER_SIGNING_KEY_FILE';
  if (!existsSync(source.path)) {
    if (!source.generateIfMissing) throw new ConfigError(variable, 'names a file that is missing');
    return { key: createLedgerSigningKeyFile(source.path, config.origin), generated: true };
  }
  if ((statSync(source.path).mode & 0o077) !== 0) {
    throw new ConfigError(variable, 'must be readable by its owner only (chmod 600)');
  }
  let key: NoteSigningKey;
  try {
    key = parseSigningKey(readFileSync(source.path, 'utf8').trim());
  } catch {
    throw new ConfigError(variable, 'must hold an Ed25519 note key (PRIVATE+KEY+...)');
  }
  if (key.name !== config.origin) {
    throw new ConfigError(variable, `must hold a key named after LEDGER_ORIGIN (${config.origin})`);
  }
  return { key, generated: false };
}

/** Generates a signing key into a new file (never over an existing one), readable by its owner. */
export function createLedgerSigningKeyFile(file: string, origin: string): NoteSigningKey {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = generateSigningKey(origin);
  writeFileSync(file, `${formatSigningKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  // The mode given to writeFileSync is subject to the umask; this one is not.
  chmodSync(file, 0o600);
  return key;
}
