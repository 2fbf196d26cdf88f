import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  formatSigningKey,
  formatVerifierKey,
  generateSigningKey,
} from '../../../src/application/ledger/signed-note.js';
import { ConfigError } from '../../../src/infrastructure/config/config-error.js';
import type { LedgerConfig } from '../../../src/infrastructure/config/ledger-config.js';
import { loadLedgerSigningKey } from '../../../src/infrastructure/ledger/ledger-signing-key.js';

const ORIGIN = 'vytalwatch-call-ledger';

function ledgerConfig(signingKey: LedgerConfig['signingKey']): LedgerConfig {
  return {
    origin: ORIGIN,
    signingKey,
    checkpointIntervalMs: 5000,
    archive: { kind: 'directory', dir: 'unused' },
  };
}

describe('the ledger signing key', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vw-signing-key-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is generated once into a 0600 file outside production, then reused', () => {
    const file = path.join(dir, 'nested', 'ledger-signing.key');
    const config = ledgerConfig({ kind: 'file', path: file, generateIfMissing: true });
    const first = loadLedgerSigningKey(config);
    expect(first.generated).toBe(true);
    expect(first.key.name).toBe(ORIGIN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^PRIVATE\+KEY\+vytalwatch-call-ledger\+/);
    const second = loadLedgerSigningKey(config);
    expect(second.generated).toBe(false);
    expect(formatVerifierKey(second.key)).toBe(formatVerifierKey(first.key));
  });

  it('comes from LEDGER_SIGNING_KEY itself', () => {
    const key = generateSigningKey(ORIGIN);
    const loaded = loadLedgerSigningKey(
      ledgerConfig({ kind: 'inline', text: formatSigningKey(key) }),
    );
    expect(formatVerifierKey(loaded.key)).toBe(formatVerifierKey(key));
  });

  it.each([
    [
      'a missing file in production',
      () => ({ path: path.join(dir, 'absent.key'), generate: false }),
    ],
    [
      'a file others may read',
      () => {
        const file = path.join(dir, 'open.key');
        writeFileSync(file, formatSigningKey(generateSigningKey(ORIGIN)));
        chmodSync(file, 0o644);
        return { path: file, generate: true };
      },
    ],
    [
      'a file without a key',
      () => {
        const file = path.join(dir, 'garbage.key');
        writeFileSync(file, 'not a key\n', { mode: 0o600 });
        return { path: file, generate: true };
      },
    ],
    [
      'a key named after another origin',
      () => {
        const file = path.join(dir, 'other.key');
        writeFileSync(file, formatSigningKey(generateSigningKey('someone-else')), { mode: 0o600 });
        return { path: file, generate: true };
      },
    ],
  ])('refuses %s, naming LEDGER_SIGNING_KEY_FILE', (_, prepare) => {
    const { path: file, generate } = prepare();
    const load = (): unknown =>
      loadLedgerSigningKey(ledgerConfig({ kind: 'file', path: file, generateIfMissing: generate }));
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/LEDGER_SIGNING_KEY_FILE/);
  });
});
