import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { openCheckpoint } from '../../src/application/ledger/ledger-checkpoint.js';
import { parseVerifierKey } from '../../src/application/ledger/signed-note.js';
import { ConfigError } from '../../src/infrastructure/config/config-error.js';
import { DEMO, TestServer } from '../support/test-server.js';

interface PublicKeyBody {
  keyName: string;
  verifierKey: string;
  fingerprint: string;
  origin: string;
}

describe('signed checkpoints and the public key', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({ LEDGER_CHECKPOINT_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  async function storedCheckpoints(): Promise<Array<{ tree_size: string; note: string }>> {
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ tree_size: string; note: string }>(
        'SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size',
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  it('gives auditors and admins the verifier key, as JSON or as the key alone', async () => {
    const response = await api.as<PublicKeyBody>('auditor', 'GET', '/audit/ledger/public-key');
    expect(response.status).toBe(200);
    const { keyName, verifierKey, fingerprint, origin } = response.body;
    expect(origin).toBe('vytalwatch-call-ledger');
    expect(keyName).toBe(origin);
    expect(parseVerifierKey(verifierKey).name).toBe(keyName);
    expect(fingerprint).toBe(createHash('sha256').update(verifierKey).digest('hex'));

    const text = await api.as('admin', 'GET', '/audit/ledger/public-key', {
      headers: { accept: 'text/plain' },
    });
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.body).toBe(`${verifierKey}\n`);
  });

  it.each(['provider', 'patient', 'analyst'] as const)(
    'refuses the key to a %s (403)',
    async (user) => {
      const response = await api.as(user, 'GET', '/audit/ledger/public-key');
      expect(response.status).toBe(403);
    },
  );

  it('refuses the key without a token (401)', async () => {
    expect((await api.request('GET', '/audit/ledger/public-key')).status).toBe(401);
  });

  it('signs what was appended one interval later, in the database and the directory alike', async () => {
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    expect(call.status).toBe(201);
    const events = await api.ledgerEventCount();
    const deadline = Date.now() + 10_000;
    while (Number((await storedCheckpoints()).at(-1)?.tree_size ?? 0) < events) {
      if (Date.now() > deadline) throw new Error('no checkpoint in time');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const key = await api.as<PublicKeyBody>('auditor', 'GET', '/audit/ledger/public-key');
    const rows = await storedCheckpoints();
    for (const row of rows) {
      expect(openCheckpoint(row.note, key.body.verifierKey).treeSize).toBe(Number(row.tree_size));
    }
    const directory = path.join(api.dataDir, 'checkpoints');
    await api.server.runtime.ledgerTree.publisher.idle();
    const names = (await readdir(directory)).filter((name) => name.endsWith('.checkpoint')).sort();
    const archived = await Promise.all(
      names.map((name) => readFile(path.join(directory, name), 'utf8')),
    );
    expect(archived).toEqual(rows.map((row) => row.note));
  });

  it('keeps its generated key in a 0600 file and signs with it again after a restart', async () => {
    const file = path.join(api.dataDir, 'ledger-signing.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await TestServer.start(
      { LEDGER_SIGNING_KEY_FILE: file },
      { database: api.database },
    );
    try {
      const before = await api.as<PublicKeyBody>('auditor', 'GET', '/audit/ledger/public-key');
      const after = await again.as<PublicKeyBody>('auditor', 'GET', '/audit/ledger/public-key');
      expect(after.body.verifierKey).toBe(before.body.verifierKey);
    } finally {
      await again.stop();
    }
  });

  it('will not start in production without a signing key', async () => {
    await expect(
      TestServer.start({
        NODE_ENV: 'production',
        RECORDING_KEK: 'ab'.repeat(32),
        LEDGER_SIGNING_KEY_FILE: '',
      }),
    ).rejects.toThrow(ConfigError);
  });
});
