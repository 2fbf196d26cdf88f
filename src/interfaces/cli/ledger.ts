import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { verifyEvidence } from '../../application/ledger/evidence-verification.js';
import { keyFingerprint, parseVerifierKey } from '../../application/ledger/signed-note.js';
import {
  ledgerPublicKey,
  type LedgerPublicKey,
} from '../../application/ledger/ledger-public-key.js';
import { buildLedgerIntegrity, type LedgerIntegrity } from '../../composition/ledger-integrity.js';
import { openCheckpointArchive } from '../../infrastructure/ledger/open-checkpoint-archive.js';
import { callStreamId } from '../../domain/call/call.decider.js';
import { Argon2PasswordHasher } from '../../infrastructure/auth/argon2-password-hasher.adapter.js';
import { loadConfig, type AppConfig } from '../../infrastructure/config/app-config.js';
import { ConfigError } from '../../infrastructure/config/config-error.js';
import { createLogger } from '../../infrastructure/observability/logger.js';
import {
  createLedgerSigningKeyFile,
  loadLedgerSigningKey,
} from '../../infrastructure/ledger/ledger-signing-key.js';
import { formatVerifierKey } from '../../application/ledger/signed-note.js';
import { seedDemoUsers } from '../../infrastructure/users/demo-users.js';
import { PostgresFeedStatistics } from '../../infrastructure/event-store/postgres/postgres-feed-statistics.js';
import {
  READ_MODEL_PROJECTIONS,
  readModelProjection,
} from '../../projections/read-model-projections.js';
import {
  RebuildAlreadyRunningError,
  rebuildProjections,
} from '../../projections/rebuild/projection-rebuild.js';
import type { CheckpointArchive } from '../../application/ports/ledger-tree.port.js';
import { openResources, type ResourceOptions, type Resources } from '../../resources.js';
import { DatabaseRoleError } from '../../infrastructure/postgres/database-role.js';
import { EmbeddedPostgresError } from '../../infrastructure/postgres/embedded-postgres-credentials.js';
import { ProgressBar, formatDuration } from './progress-bar.js';
import { takeOverShutdownSignals } from '../../infrastructure/system/shutdown-signals.js';
import { CallCommands } from '../../application/call/call-commands.js';
import { CommandRunner } from '../../application/command-runner.js';
import { rewrapRecordings } from '../../application/recording/rewrap-recordings/rewrap-recordings.js';
import { openRecordingCrypto } from '../../infrastructure/crypto/open-recording-crypto.js';
import { KnexSealedRecordingIndex } from '../../infrastructure/read-models/knex-sealed-recording-index.adapter.js';
import { openRecordingStorage } from '../../infrastructure/storage/open-recording-storage.js';
import { RandomIdGenerator } from '../../infrastructure/system/random-id-generator.adapter.js';
import { SystemClock } from '../../infrastructure/system/system-clock.adapter.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function config(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Opens the database and event store (migrating them), runs `work`, and always closes. */
async function withResources(
  work: (resources: Resources) => Promise<number>,
  options: ResourceOptions = {},
): Promise<void> {
  const settings = config();
  let resources: Resources;
  try {
    resources = await openResources(
      settings,
      createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, settings.logFormat),
      options,
    );
  } catch (error) {
    if (error instanceof DatabaseRoleError || error instanceof EmbeddedPostgresError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  try {
    process.exitCode = await work(resources);
  } finally {
    await resources.close();
  }
}

/** The ledger's verifier key: from `keyFile` when given, else the configured signing key's. */
function ledgerIntegrity(
  resources: Resources,
  keyFile: string | undefined,
  archive: CheckpointArchive,
): LedgerIntegrity {
  const settings = config().ledger;
  const publicKey =
    keyFile === undefined
      ? ledgerPublicKey(loadLedgerSigningKey(settings).key, settings.origin)
      : publicKeyFrom(readFileSync(keyFile, 'utf8').trim(), settings.origin);
  return buildLedgerIntegrity(
    resources.pool,
    resources.eventStore,
    resources.ledgerLookup,
    publicKey,
    archive,
  );
}

function publicKeyFrom(verifierKey: string, origin: string): LedgerPublicKey {
  const key = parseVerifierKey(verifierKey);
  return { keyName: key.name, verifierKey, fingerprint: keyFingerprint(verifierKey), origin };
}

function requireCallId(callId: string): string {
  if (!UUID.test(callId)) {
    process.stderr.write('callId must be a UUID\n');
    process.exit(2);
  }
  return callId;
}

const program = new Command()
  .name('ledger')
  .description('VytalWatch Call Ledger: operate the service from the command line');

program
  .command('serve')
  .description('start the server (as npm start does)')
  .action(async () => {
    // Loaded here only: the server's modules (Nest, socket.io) would slow every other command's start.
    const signals = takeOverShutdownSignals();
    const { startServer } = await import('../../server.js');
    const server = await startServer(config());
    signals.started(() => void server.close().then(() => process.exit(0)));
  });

program
  .command('migrate')
  .description(
    "bring the database schema up to date as the owner (DATABASE_OWNER_URL, else DATABASE_URL's role) and grant DATABASE_URL's role its privileges",
  )
  .action(() =>
    withResources(async () => {
      process.stdout.write('schema is up to date\n');
      return 0;
    }),
  );

program
  .command('seed-demo-users')
  .description('create the demo users (password "demo") if they are missing')
  .action(() => {
    if (config().nodeEnv === 'production') {
      process.stderr.write('Refusing to seed demo users when NODE_ENV=production\n');
      process.exitCode = 2;
      return;
    }
    return withResources(async ({ knex }) => {
      await seedDemoUsers(knex, new Argon2PasswordHasher());
      process.stdout.write('demo users are present\n');
      return 0;
    });
  });

program
  .command('timeline <callId>')
  .description("print a call's events, oldest first, as JSON lines")
  .action((callId: string) =>
    withResources(async ({ eventStore }) => {
      const events = await eventStore.readStream(callStreamId(requireCallId(callId)));
      for (const event of events) {
        process.stdout.write(
          `${JSON.stringify({ revision: event.revision, type: event.type, occurredAt: event.metadata.occurredAt, actor: event.metadata.actor, data: event.data })}\n`,
        );
      }
      return events.length > 0 ? 0 : 1;
    }),
  );

program
  .command('verify [callId]')
  .description(
    'check the whole ledger (every chain, stream head and signed checkpoint), or one call: exit 0 only when everything holds',
  )
  .option(
    '--key <file>',
    "a file holding the ledger's verifier key (default: the configured signing key's)",
  )
  .action((callId: string | undefined, flags: { key?: string }) =>
    withResources(async (resources) => {
      const archive = openCheckpointArchive(config().ledger.archive);
      try {
        return await verifyLedger(
          resources,
          ledgerIntegrity(resources, flags.key, archive.archive),
          callId,
        );
      } finally {
        await archive.close();
      }
    }),
  );

/** `verify [callId]`: the exit code, the report on stdout, what failed on stderr. */
async function verifyLedger(
  resources: Resources,
  ledger: LedgerIntegrity,
  callId: string | undefined,
): Promise<number> {
  if (callId !== undefined) {
    const streamId = callStreamId(requireCallId(callId));
    const events = await resources.eventStore.readStream(streamId);
    const { integrity } = await ledger.streams.verify(streamId, events);
    process.stdout.write(`${JSON.stringify(integrity)}\n`);
    if (events.length === 0) process.stderr.write(`no call ${callId} in the ledger\n`);
    else if (integrity.status === 'not_yet_checkpointed') {
      process.stderr.write(
        `${integrity.checkpoint?.notYetCheckpointed ?? events.length} event(s) not yet checkpointed\n`,
      );
    } else if (integrity.problem !== null) process.stderr.write(`FAILED: ${integrity.problem}\n`);
    return events.length > 0 && integrity.status !== 'failed' ? 0 : 1;
  }
  const bar = new ProgressBar(process.stderr);
  const started = Date.now();
  const report = await ledger
    .verifier((done) =>
      bar.update({ phase: 'verifying', done, total: null, elapsedMs: Date.now() - started }),
    )
    .verify();
  bar.finish(`Checked ${report.events.toLocaleString('en-US')} events.`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (report.notYetCheckpointed > 0) {
    process.stderr.write(`${report.notYetCheckpointed} event(s) not yet checkpointed\n`);
  }
  const first = report.problems[0];
  if (first !== undefined) process.stderr.write(`FAILED: ${first.message}\n`);
  return report.verified ? 0 : 1;
}

program
  .command('public-key')
  .description("print the verifier key of the ledger's signed checkpoints (Go note format)")
  .action(() => {
    try {
      process.stdout.write(`${formatVerifierKey(loadLedgerSigningKey(config().ledger).key)}\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
    }
  });

program
  .command('new-signing-key <file>')
  .description(
    'write a new checkpoint signing key named after LEDGER_ORIGIN to a new 0600 file; print its verifier key',
  )
  .action((file: string) => {
    try {
      const key = createLedgerSigningKeyFile(file, config().ledger.origin);
      process.stdout.write(`${formatVerifierKey(key)}\n`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      process.stderr.write(`${file} exists; a signing key is never overwritten\n`);
      process.exitCode = 2;
    }
  });

program
  .command('verify-evidence <file>')
  .description("check a call's evidence bundle offline (no database): exit 0 when it holds")
  .option(
    '--key <file>',
    "a file holding the ledger's verifier key, obtained apart from the bundle",
  )
  .action((file: string, flags: { key?: string }) => {
    let document: unknown;
    let pinned: string | null = null;
    try {
      document = JSON.parse(readFileSync(file, 'utf8'));
      if (flags.key !== undefined) pinned = readFileSync(flags.key, 'utf8').trim();
    } catch (error) {
      process.stderr.write(`cannot read the evidence: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    const report = verifyEvidence(document, pinned);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (!report.keyPinned) {
      process.stderr.write(
        'the key was not pinned: checked against the key the bundle carries (pass --key to pin it)\n',
      );
    }
    if (report.notYetCheckpointed > 0) {
      process.stderr.write(`${report.notYetCheckpointed} event(s) not yet checkpointed\n`);
    }
    if (report.problems[0] !== undefined) process.stderr.write(`FAILED: ${report.problems[0]}\n`);
    else if (!report.complete) {
      process.stderr.write(
        'FAILED: not every event is proven in a signed checkpoint, so the bundle does not vouch for the call; export it again once they are checkpointed\n',
      );
    }
    process.exitCode = report.complete ? 0 : 1;
  });

program
  .command('rewrap-recordings')
  .description(
    'move every stored recording sealed with an older key (RECORDING_KEK_PREVIOUS) to RECORDING_KEK, recording each move in the ledger; running it again changes nothing',
  )
  .action(() =>
    withResources(async (resources) => {
      const settings = config();
      const storage = await openRecordingStorage(settings.recordings.storage);
      try {
        const { crypto } = openRecordingCrypto(settings.recordings);
        const report = await rewrapRecordings({
          calls: new CallCommands(
            new CommandRunner(
              resources.eventStore,
              new SystemClock(),
              new RandomIdGenerator(),
              resources.metrics,
            ),
          ),
          storage: storage.storage,
          crypto,
          index: new KnexSealedRecordingIndex(resources.knex),
          ids: new RandomIdGenerator(),
          context: { correlationId: randomUUID(), causationId: null },
          onFailure: ({ callId, recordingId }, error) =>
            process.stderr.write(
              `recording ${recordingId} of call ${callId} was not moved: ${error instanceof Error ? error.name : 'error'}\n`,
            ),
        });
        process.stdout.write(`${JSON.stringify({ toKeyId: crypto.currentKeyId, ...report })}\n`);
        return report.failed > 0 || report.keyUnavailable > 0 ? 1 : 0;
      } finally {
        await storage.close();
      }
    }),
  );

program
  .command('rebuild [projection]')
  .description(
    `rebuild read models from the whole ledger into shadow tables, then swap them in (${READ_MODEL_PROJECTIONS.map((p) => p.name).join(', ')}; default: all)`,
  )
  .option('--batch-size <events>', 'events per batch (one transaction)', '5000')
  .action((name: string | undefined, flags: { batchSize: string }) =>
    withResources(
      async ({ eventStore, knex, pool }) => {
        const selected = name === undefined ? READ_MODEL_PROJECTIONS : [readModelProjection(name)];
        if (selected.some((p) => p === undefined)) {
          process.stderr.write(
            `Unknown projection ${name}; one of: ${READ_MODEL_PROJECTIONS.map((p) => p.name).join(', ')}\n`,
          );
          return 2;
        }
        const batchSize = Number(flags.batchSize);
        if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
          process.stderr.write('--batch-size must be a whole number from 1 to 50000\n');
          return 2;
        }
        const projections = selected.filter((p) => p !== undefined);
        const names = projections.map((p) => p.name).join(', ');
        const bar = new ProgressBar(process.stderr);
        process.stderr.write(`Rebuilding ${names}; the live tables keep serving meanwhile.\n`);
        const feed = new PostgresFeedStatistics(knex);
        try {
          const result = await rebuildProjections({
            store: eventStore,
            knex,
            pool,
            projections,
            batchSize,
            countEvents: (prefixes) => feed.countEvents(null, prefixes),
            onProgress: (progress) => bar.update(progress),
          });
          const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : 0;
          bar.finish(
            `Rebuilt ${names}: ${result.events.toLocaleString('en-US')} events in ${formatDuration(result.seconds)} (${rate.toLocaleString('en-US')} ev/s); swapped in at position ${result.position ?? 'start'}.`,
          );
          return 0;
        } catch (error) {
          bar.finish(
            error instanceof RebuildAlreadyRunningError
              ? error.message
              : `Rebuild failed, the live tables are unchanged: ${(error as Error).message}${
                  (error as { code?: string }).code === '42501'
                    ? ' (a rebuild changes tables: run it as the owner, with DATABASE_OWNER_URL)'
                    : ''
                }`,
          );
          return 1;
        }
      },
      { role: 'owner' },
    ),
  );

await program.parseAsync(process.argv);
