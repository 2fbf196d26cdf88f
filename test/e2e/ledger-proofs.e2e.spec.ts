import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openCheckpoint } from '../../src/application/ledger/ledger-checkpoint.js';
import { eventLeafHash } from '../../src/application/ledger/ledger-leaf.js';
import {
  verifyConsistency,
  verifyInclusion,
} from '../../src/application/ledger/merkle/merkle-proofs.js';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { awaitCheckpoint } from '../support/ledger-checkpoints.js';
import { DEMO, TestServer } from '../support/test-server.js';
import { buildOnce } from '../support/build-once.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/interfaces/cli/ledger.js');

interface ProofBody {
  event: RecordedEvent;
  leafIndex: number;
  proof: string[];
  checkpoint: { note: string; treeSize: number; rootHash: string };
}

const hashes = (list: readonly string[]): Buffer[] =>
  list.map((item) => Buffer.from(item, 'base64'));

describe('audit: inclusion and consistency proofs, evidence bundles', () => {
  let verifierKey: string;
  let api: TestServer;
  let callId: string;
  let firstSize: number;
  let secondSize: number;
  const workDir = mkdtempSync(path.join(tmpdir(), 'ledger-evidence-'));

  beforeAll(async () => {
    // The CLI runs as a child process from the build.
    await buildOnce();
    api = await TestServer.start({ LEDGER_CHECKPOINT_INTERVAL_MS: '1000' });
    verifierKey = api.server.runtime.ledgerTree.publicKey.verifierKey;
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    callId = call.body.id;
    firstSize = await awaitCheckpoint(api);
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    await api.as('provider', 'POST', `/webrtc/calls/${callId}/end`);
    secondSize = await awaitCheckpoint(api);
  }, 120_000);
  afterAll(async () => {
    await api.stop();
  });

  it('answers an event with its inclusion proof against the newest signed checkpoint', async () => {
    const [, answered] = await api.server.runtime.eventStore.readStream(`call-${callId}`);
    const response = await api.as<ProofBody>(
      'auditor',
      'GET',
      `/audit/events/${answered!.position}/proof`,
    );
    expect(response.status).toBe(200);
    const { event, leafIndex, proof, checkpoint } = response.body;
    expect(event).toMatchObject({ type: 'CallAnswered', revision: 1 });
    const opened = openCheckpoint(checkpoint.note, verifierKey);
    expect(opened.treeSize).toBe(checkpoint.treeSize);
    expect(
      verifyInclusion(
        eventLeafHash(event),
        leafIndex,
        opened.treeSize,
        hashes(proof),
        opened.rootHash,
      ),
    ).toBe(true);
  });

  it('answers the consistency proof between two checkpoints', async () => {
    const response = await api.as<{
      from: { note: string };
      to: { note: string };
      proof: string[];
    }>('auditor', 'GET', `/audit/ledger/consistency?from=${firstSize}&to=${secondSize}`);
    expect(response.status).toBe(200);
    const older = openCheckpoint(response.body.from.note, verifierKey);
    const newer = openCheckpoint(response.body.to.note, verifierKey);
    expect(
      verifyConsistency(
        older.treeSize,
        newer.treeSize,
        hashes(response.body.proof),
        older.rootHash,
        newer.rootHash,
      ),
    ).toBe(true);
  });

  it("gives the timeline's integrity the head and the checkpoint", async () => {
    const response = await api.as<{ integrity: Record<string, unknown> }>(
      'auditor',
      'GET',
      `/audit/calls/${callId}/timeline`,
    );
    expect(response.body.integrity).toMatchObject({
      verified: true,
      status: 'verified',
      checkedEvents: 3,
      brokenAt: null,
      head: { revision: 2, store: 'matches', checkpointed: { revision: 2, verified: true } },
      checkpoint: { checkpointedEvents: 3, notYetCheckpointed: 0 },
    });
  });

  it('exports an evidence bundle, audited, that verify-evidence checks offline', async () => {
    const response = await api.as<{ events: Array<Record<string, unknown>> }>(
      'auditor',
      'GET',
      `/audit/calls/${callId}/evidence`,
    );
    expect(response.status).toBe(200);
    const access = await api.server.runtime.eventStore.readStream(`access-${callId}`);
    expect(access.map((event) => event.type)).toContain('CallEvidenceExported');
    const file = path.join(workDir, 'evidence.json');
    const keyFile = path.join(workDir, 'ledger.pub');
    writeFileSync(file, JSON.stringify(response.body));
    writeFileSync(keyFile, `${verifierKey}\n`);
    // No DATABASE_URL: the check must not need one.
    const cliEnv = { PATH: process.env.PATH ?? '' };
    const pinned = await run('node', [CLI, 'verify-evidence', file, '--key', keyFile], {
      env: cliEnv,
    });
    expect(JSON.parse(pinned.stdout)).toMatchObject({
      verified: true,
      keyPinned: true,
      checkpointedEvents: 3,
    });
    const unpinned = await run('node', [CLI, 'verify-evidence', file], { env: cliEnv });
    expect(unpinned.stderr).toContain('not pinned');

    const changed = structuredClone(response.body);
    (changed.events[1] as { data: Record<string, unknown> }).data['answeredBy'] = 'someone else';
    writeFileSync(file, JSON.stringify(changed));
    await expect(
      run('node', [CLI, 'verify-evidence', file, '--key', keyFile], { env: cliEnv }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`event ${String(changed.events[1]?.['eventId'])}`),
    });
    // Without its checkpoint a bundle is backed by the hash chain alone: it vouches for nothing.
    writeFileSync(file, JSON.stringify({ ...response.body, checkpoint: null, head: null }));
    await expect(
      run('node', [CLI, 'verify-evidence', file, '--key', keyFile], { env: cliEnv }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not every event is proven'),
    });
    const shortened = { ...response.body, events: response.body.events.slice(0, 2) };
    writeFileSync(file, JSON.stringify(shortened));
    await expect(
      run('node', [CLI, 'verify-evidence', file, '--key', keyFile], { env: cliEnv }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('revision 2'),
    });
  }, 120_000);

  it('verify, run as the CLI, fails on an edited payload naming its stream, and passes once it is undone', async () => {
    await awaitCheckpoint(api);
    const cliEnv = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: api.database.connectionString,
      LEDGER_SIGNING_KEY_FILE: path.join(api.dataDir, 'ledger-signing.key'),
      CHECKPOINT_DIR: path.join(api.dataDir, 'checkpoints'),
    };
    const verify = (...args: string[]) => run('node', [CLI, 'verify', ...args], { env: cliEnv });
    const whole = JSON.parse((await verify()).stdout) as { verified: boolean; archive: unknown };
    expect(whole).toMatchObject({ verified: true, archive: { newest: expect.any(Number) } });

    const edit = async (sql: string): Promise<void> => {
      const client = new pg.Client({ connectionString: api.database.connectionString });
      await client.connect();
      try {
        await client.query(
          'ALTER TABLE ledger_events DISABLE TRIGGER USER; ALTER TABLE ledger_streams DISABLE TRIGGER USER',
        );
        await client.query(sql, [`call-${callId}`]);
        await client.query(
          'ALTER TABLE ledger_events ENABLE TRIGGER USER; ALTER TABLE ledger_streams ENABLE TRIGGER USER',
        );
      } finally {
        await client.end();
      }
    };
    await edit(
      `UPDATE ledger_events SET data = jsonb_set(data, '{forged}', 'true') WHERE stream_id = $1 AND stream_revision = 1`,
    );
    try {
      await expect(verify()).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`call-${callId}`),
      });
      await expect(verify(callId)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('revision 1'),
      });
    } finally {
      await edit(
        `UPDATE ledger_events SET data = data - 'forged' WHERE stream_id = $1 AND stream_revision = 1`,
      );
    }
    await verify();
    await verify(callId);
  }, 120_000);

  it('no longer calls a timeline verified once its last event is deleted and its head rewound', async () => {
    await awaitCheckpoint(api);
    const events = await api.server.runtime.eventStore.readStream(`call-${callId}`);
    const last = events.at(-1) as RecordedEvent;
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    const timeline = () =>
      api.as<{ integrity: { verified: boolean; status: string; problem: string | null } }>(
        'auditor',
        'GET',
        `/audit/calls/${callId}/timeline`,
      );
    try {
      await client.query('BEGIN');
      await client.query(
        'CREATE TEMP TABLE kept AS SELECT * FROM ledger_events WHERE stream_id = $1 AND stream_revision = $2',
        [`call-${callId}`, last.revision],
      );
      await client.query(
        'ALTER TABLE ledger_events DISABLE TRIGGER USER; ALTER TABLE ledger_streams DISABLE TRIGGER USER',
      );
      await client.query(
        'DELETE FROM ledger_events WHERE stream_id = $1 AND stream_revision = $2',
        [`call-${callId}`, last.revision],
      );
      await client.query(
        'UPDATE ledger_streams SET revision = $2, last_hash = $3 WHERE stream_id = $1',
        [`call-${callId}`, last.revision - 1, last.metadata.previousHash],
      );
      await client.query(
        'ALTER TABLE ledger_events ENABLE TRIGGER USER; ALTER TABLE ledger_streams ENABLE TRIGGER USER',
      );
      await client.query('COMMIT');
      const truncated = await timeline();
      expect(truncated.body.integrity).toMatchObject({ verified: false, status: 'failed' });
      expect(truncated.body.integrity.problem).toContain(`revision ${last.revision}`);
    } finally {
      await client.query(
        'ALTER TABLE ledger_events DISABLE TRIGGER USER; ALTER TABLE ledger_streams DISABLE TRIGGER USER',
      );
      await client.query('INSERT INTO ledger_events SELECT * FROM kept');
      await client.query(
        'UPDATE ledger_streams SET revision = $2, last_hash = $3 WHERE stream_id = $1',
        [`call-${callId}`, last.revision, last.metadata.hash],
      );
      await client.query(
        'ALTER TABLE ledger_events ENABLE TRIGGER USER; ALTER TABLE ledger_streams ENABLE TRIGGER USER',
      );
      await client.end();
    }
    expect((await timeline()).body.integrity).toMatchObject({ verified: true, status: 'verified' });
  });

  it('keeps proofs and evidence from everyone but auditors and admins', async () => {
    for (const user of ['provider', 'patient', 'analyst'] as const) {
      expect((await api.as(user, 'GET', `/audit/calls/${callId}/evidence`)).status).toBe(403);
      expect(
        (await api.as(user, 'GET', `/audit/ledger/consistency?from=0&to=${firstSize}`)).status,
      ).toBe(403);
    }
  });

  it.each([
    ['a position that is not a number', '/audit/events/abc/proof', 400, 'LEDGER.INVALID_POSITION'],
    [
      'a position beyond any event',
      '/audit/events/99999999999999999999999/proof',
      404,
      'LEDGER.EVENT_NOT_FOUND',
    ],
    [
      'from larger than to',
      '/audit/ledger/consistency?from=:second&to=:first',
      400,
      'LEDGER.INVALID_CHECKPOINT_RANGE',
    ],
    [
      'a size that is no checkpoint',
      '/audit/ledger/consistency?from=:first&to=:beyond',
      404,
      'LEDGER.CHECKPOINT_NOT_FOUND',
    ],
    [
      'a size that is not a number',
      '/audit/ledger/consistency?from=x&to=:second',
      400,
      'REQUEST.INVALID',
    ],
    ['a missing size', '/audit/ledger/consistency?from=1', 400, 'REQUEST.INVALID'],
    ['evidence with a bad id', '/audit/calls/nope/evidence', 400, 'REQUEST.INVALID_ID'],
  ])('refuses %s', async (_name, route, status, code) => {
    const before = await api.ledgerEventCount();
    const response = await api.as<{ code: string }>(
      'auditor',
      'GET',
      route
        .replace(':first', String(firstSize))
        .replace(':beyond', String(secondSize + 1000))
        .replace(':second', String(secondSize)),
    );
    expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
    expect(await api.ledgerEventCount()).toBe(before);
  });

  it('refuses evidence of an unknown call, recording only the refusal', async () => {
    const unknown = '9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4';
    const before = await api.ledgerEventCount();
    const response = await api.as<{ code: string }>(
      'auditor',
      'GET',
      `/audit/calls/${unknown}/evidence`,
    );
    expect({ status: response.status, code: response.body.code }).toEqual({
      status: 404,
      code: 'CALL.NOT_FOUND',
    });
    expect(await api.ledgerEventCount()).toBe(before + 1);
    expect((await api.ledgerEvents(`access-${unknown}`)).map((event) => event.type)).toEqual([
      'AccessDenied',
    ]);
  });

  it('answers 409 for an event no checkpoint covers yet', async () => {
    // Nothing pending: the next checkpoint is then at least one interval (1 s) after this call.
    await awaitCheckpoint(api);
    const call = await api.as<{ id: string; position: string }>(
      'provider',
      'POST',
      '/webrtc/calls',
      {
        body: { patientId: DEMO.patient.id, type: 'VIDEO' },
      },
    );
    const [initiated] = await api.server.runtime.eventStore.readStream(`call-${call.body.id}`);
    const response = await api.as<{ code: string }>(
      'auditor',
      'GET',
      `/audit/events/${initiated!.position}/proof`,
    );
    expect({ status: response.status, code: response.body.code }).toEqual({
      status: 409,
      code: 'LEDGER.NOT_YET_CHECKPOINTED',
    });
  });
});
