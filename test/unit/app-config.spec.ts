import { formatSigningKey, generateSigningKey } from '../../src/application/ledger/signed-note.js';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import { ConfigError, configProblems } from '../../src/infrastructure/config/config-error.js';
import { isLoopbackHost } from '../../src/infrastructure/config/env-values.js';

const LEDGER_SIGNING_KEY = formatSigningKey(generateSigningKey('vytalwatch-call-ledger'));

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '.data/postgres', port: 54329 });
    expect(config.demoUsers).toBe(true);
    expect(config.calls).toEqual({
      ringTimeoutSeconds: 60,
      reconnectGraceSeconds: 30,
      patientsMayInitiate: false,
    });
    expect(config.presence).toEqual({ leaseSeconds: 30, renewSeconds: 10 });
    expect(config.ice.turnTtlSeconds).toBe(600);
    expect(config.ice.transportPolicy).toBe('all');
    expect(config.webClientDir).toBe('web/dist');
    expect(config.auth.jwtSecretGenerated).toBe(true);
  });

  it('uses the given database and turns demo users off in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      JWT_SECRET: 'a'.repeat(32),
      RECORDING_KEK: 'ab'.repeat(32),
      LEDGER_SIGNING_KEY,
    });
    expect(config.database).toEqual({
      kind: 'external',
      url: 'postgres://u@127.0.0.1:5432/db',
      ownerUrl: null,
    });
    expect(config.demoUsers).toBe(false);
    expect(config.host).toBe('0.0.0.0');
  });

  it("takes the owner's URL for migrations beside the service's", () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://service@127.0.0.1:5432/db',
      DATABASE_OWNER_URL: 'postgres://owner@127.0.0.1:5432/db',
    });
    expect(config.database).toEqual({
      kind: 'external',
      url: 'postgres://service@127.0.0.1:5432/db',
      ownerUrl: 'postgres://owner@127.0.0.1:5432/db',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ RING_TIMEOUT_SECONDS: '0' }, 'RING_TIMEOUT_SECONDS'],
    [{ RING_TIMEOUT_SECONDS: '1.5' }, 'RING_TIMEOUT_SECONDS'],
    [{ RECONNECT_GRACE_SECONDS: '-3' }, 'RECONNECT_GRACE_SECONDS'],
    [{ PRESENCE_LEASE_SECONDS: '1' }, 'PRESENCE_LEASE_SECONDS'],
    [{ PRESENCE_LEASE_RENEW_SECONDS: '0' }, 'PRESENCE_LEASE_RENEW_SECONDS'],
    [
      { PRESENCE_LEASE_SECONDS: '10', PRESENCE_LEASE_RENEW_SECONDS: '10' },
      'PRESENCE_LEASE_RENEW_SECONDS',
    ],
    [{ DEMO_USERS: 'maybe' }, 'DEMO_USERS'],
    [{ ICE_TRANSPORT_POLICY: 'turn-only' }, 'ICE_TRANSPORT_POLICY'],
    [{ DATABASE_URL: 'mysql://x@127.0.0.1/db' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_OWNER_URL: 'postgres://owner@127.0.0.1:5432/db' }, 'DATABASE_OWNER_URL'],
    [{ DATABASE_URL: 'postgres://s@127.0.0.1/db', DATABASE_OWNER_URL: 'x' }, 'DATABASE_OWNER_URL'],
    [{ REDIS_URL: 'http://127.0.0.1' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ TURN_URLS: 'turn:127.0.0.1:3478' }, 'TURN_SECRET'],
    [{ STUN_URLS: 'http://127.0.0.1' }, 'STUN_URLS'],
    [{ TURN_TTL_SECONDS: '5' }, 'TURN_TTL_SECONDS'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32) }, 'RECORDING_KEK'],
    [
      { NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32), RECORDING_KEK: 'ab'.repeat(32) },
      'LEDGER_SIGNING_KEY',
    ],
    [{ LEDGER_SIGNING_KEY: 'not-a-key' }, 'LEDGER_SIGNING_KEY'],
    [{ LEDGER_SIGNING_KEY, LEDGER_ORIGIN: 'another-origin' }, 'LEDGER_SIGNING_KEY'],
    [{ LEDGER_SIGNING_KEY, LEDGER_SIGNING_KEY_FILE: '/k' }, 'LEDGER_SIGNING_KEY_FILE'],
    [{ LEDGER_ORIGIN: 'has space' }, 'LEDGER_ORIGIN'],
    [{ LEDGER_ORIGIN: 'a+b' }, 'LEDGER_ORIGIN'],
    [{ LEDGER_CHECKPOINT_INTERVAL_MS: '0' }, 'LEDGER_CHECKPOINT_INTERVAL_MS'],
    [{ LEDGER_CHECKPOINT_INTERVAL_MS: 'soon' }, 'LEDGER_CHECKPOINT_INTERVAL_MS'],
    [{ CHECKPOINT_S3_BUCKET: 'Bad_Bucket' }, 'CHECKPOINT_S3_BUCKET'],
    [{ CHECKPOINT_S3_BUCKET: 'ledger', CHECKPOINT_S3_PREFIX: '/abs' }, 'CHECKPOINT_S3_PREFIX'],
    [
      { CHECKPOINT_S3_BUCKET: 'ledger', CHECKPOINT_RETENTION_DAYS: '0' },
      'CHECKPOINT_RETENTION_DAYS',
    ],
    [{ RECORDING_KEK: 'too-short' }, 'RECORDING_KEK'],
    [{ RECORDING_RETENTION_DAYS: '0' }, 'RECORDING_RETENTION_DAYS'],
    [{ RECORDING_MAX_BYTES: 'lots' }, 'RECORDING_MAX_BYTES'],
    [{ RECORDING_UPLOAD_PART_BYTES: '10' }, 'RECORDING_UPLOAD_PART_BYTES'],
    [{ RECORDING_SWEEP_DELAY_SECONDS: '1' }, 'RECORDING_SWEEP_DELAY_SECONDS'],
    [{ S3_BUCKET: 'Bad_Bucket' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'recordings', S3_ACCESS_KEY_ID: 'id' }, 'S3_SECRET_ACCESS_KEY'],
    [{ S3_BUCKET: 'recordings', S3_ENDPOINT: 'ftp://x' }, 'S3_ENDPOINT'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(variable));
  });

  it('logs readable lines in development and JSON elsewhere unless LOG_FORMAT says otherwise', () => {
    const production = {
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      JWT_SECRET: 'a'.repeat(32),
      RECORDING_KEK: 'ab'.repeat(32),
      LEDGER_SIGNING_KEY,
    };
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', ...production }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(
      loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty', ...production }).logFormat,
    ).toBe('pretty');
  });

  it('configures recordings: local by default, S3 with S3_BUCKET', () => {
    const local = loadConfig({}).recordings;
    expect(local).toMatchObject({
      storage: { kind: 'local', dir: '.data/recordings' },
      kek: { kind: 'file', path: '.data/recording-kek.local' },
      previousKeks: [],
      retentionDays: 2555,
      maxBytes: 2 * 1024 ** 3,
      uploadTimeoutSeconds: 3600,
      uploadPartBytes: 8 * 1024 ** 2,
      uploadLeaseSeconds: 600,
      sweep: { intervalSeconds: 3600, delaySeconds: 86400 },
    });
    const s3 = loadConfig({
      RECORDING_KEK: Buffer.alloc(32, 7).toString('base64'),
      RECORDING_RETENTION_DAYS: '30',
      RECORDING_MAX_BYTES: '1048576',
      S3_BUCKET: 'recordings',
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      S3_REGION: 'eu-west-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    }).recordings;
    expect(s3).toMatchObject({
      storage: {
        kind: 's3',
        bucket: 'recordings',
        endpoint: 'http://127.0.0.1:4569',
        region: 'eu-west-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      },
      kek: { kind: 'inline' },
      retentionDays: 30,
      maxBytes: 1048576,
    });
    expect(s3.kek.kind === 'inline' && Buffer.from(s3.kek.key).equals(Buffer.alloc(32, 7))).toBe(
      true,
    );
  });

  it('keeps the development recording key beside the embedded database, or in RECORDING_KEK_FILE', () => {
    expect(loadConfig({ EMBEDDED_PG_DIR: '/srv/vw/pg' }).recordings.kek).toEqual({
      kind: 'file',
      path: '/srv/vw/recording-kek.local',
    });
    expect(loadConfig({ RECORDING_KEK_FILE: '/tmp/k' }).recordings.kek).toEqual({
      kind: 'file',
      path: '/tmp/k',
    });
  });

  it('reads older recording keys from RECORDING_KEK_PREVIOUS, one or a comma-separated list', () => {
    const first = Buffer.alloc(32, 1);
    const second = Buffer.alloc(32, 2);
    const { previousKeks } = loadConfig({
      RECORDING_KEK: 'ab'.repeat(32),
      RECORDING_KEK_PREVIOUS: `${first.toString('hex')}, ${second.toString('base64')}`,
    }).recordings;
    expect(previousKeks.map((key) => Buffer.from(key))).toEqual([first, second]);
    expect(() => loadConfig({ RECORDING_KEK_PREVIOUS: 'ab'.repeat(32) + ',short' })).toThrow(
      /RECORDING_KEK_PREVIOUS/,
    );
  });

  it('signs checkpoints with a generated key file outside production, archived under .data', () => {
    expect(loadConfig({}).ledger).toEqual({
      origin: 'vytalwatch-call-ledger',
      signingKey: { kind: 'file', path: '.data/ledger-signing.key', generateIfMissing: true },
      checkpointIntervalMs: 5000,
      archive: { kind: 'directory', dir: '.data/checkpoints' },
    });
    expect(
      loadConfig({
        LEDGER_SIGNING_KEY_FILE: 'secrets/ledger.key',
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
        JWT_SECRET: 'a'.repeat(32),
        RECORDING_KEK: 'ab'.repeat(32),
      }).ledger.signingKey,
    ).toEqual({ kind: 'file', path: 'secrets/ledger.key', generateIfMissing: false });
    expect(loadConfig({ LEDGER_SIGNING_KEY }).ledger.signingKey).toEqual({
      kind: 'inline',
      text: LEDGER_SIGNING_KEY,
    });
  });

  it('archives checkpoints in S3 with CHECKPOINT_S3_BUCKET, reusing the S3 client settings', () => {
    const config = loadConfig({
      LEDGER_ORIGIN: 'clinic.example/ledger',
      LEDGER_CHECKPOINT_INTERVAL_MS: '250',
      CHECKPOINT_S3_BUCKET: 'ledger-checkpoints',
      CHECKPOINT_S3_PREFIX: 'prod',
      CHECKPOINT_RETENTION_DAYS: '3650',
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.recordings.storage).toEqual({ kind: 'local', dir: '.data/recordings' });
    expect(config.ledger).toMatchObject({
      origin: 'clinic.example/ledger',
      checkpointIntervalMs: 250,
      archive: {
        kind: 's3',
        bucket: 'ledger-checkpoints',
        prefix: 'prod/',
        retentionDays: 3650,
        client: {
          region: 'us-east-1',
          endpoint: 'http://127.0.0.1:4569',
          forcePathStyle: true,
          credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
        },
      },
    });
  });

  describe('in production', () => {
    const complete = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      JWT_SECRET: 'a'.repeat(32),
      RECORDING_KEK: 'ab'.repeat(32),
      LEDGER_SIGNING_KEY,
    };
    const refusedVariables = (env: Record<string, string | undefined>): string[] => {
      try {
        loadConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return configProblems(error).map((p) => p.variable);
        throw error;
      }
      return [];
    };

    it('starts with everything set', () => {
      expect(refusedVariables(complete)).toEqual([]);
    });

    it.each([
      [{ DEMO_USERS: 'true' }, 'DEMO_USERS'],
      [{ DATABASE_URL: undefined }, 'DATABASE_URL'],
      [{ RECORDING_KEK: undefined }, 'RECORDING_KEK'],
      [{ JWT_SECRET: undefined }, 'JWT_SECRET'],
      [{ LEDGER_SIGNING_KEY: undefined }, 'LEDGER_SIGNING_KEY'],
    ])('refuses %j naming %s and nothing else', (change, variable) => {
      expect(refusedVariables({ ...complete, ...change })).toEqual([variable]);
    });

    it('needs no JWT_SECRET when tokens come from an identity provider (JWKS_URL)', () => {
      const config = loadConfig({
        ...complete,
        JWT_SECRET: undefined,
        JWKS_URL: 'https://idp.example/jwks',
        JWT_ISSUER: 'https://idp.example/',
        JWT_AUDIENCE: 'vytalwatch',
      });
      expect(config.auth.jwksUrl).toBe('https://idp.example/jwks');
    });

    it('lists every refusal at once, each line naming its variable', () => {
      let message = '';
      try {
        loadConfig({ NODE_ENV: 'production', DEMO_USERS: 'true', PORT: 'eighty' });
      } catch (error) {
        message = (error as Error).message;
      }
      for (const variable of [
        'DEMO_USERS',
        'DATABASE_URL',
        'JWT_SECRET',
        'RECORDING_KEK',
        'LEDGER_SIGNING_KEY',
        'PORT',
      ]) {
        expect(message).toMatch(new RegExp(`^  - ${variable} `, 'm'));
      }
      expect(message).toMatch(/^Invalid configuration \(6 problems\):/);
    });
  });

  describe('demo users outside production', () => {
    it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST'])(
      'are on by default on loopback %s',
      (HOST) => {
        expect(isLoopbackHost(HOST)).toBe(true);
        expect(loadConfig({ HOST }).demoUsers).toBe(true);
      },
    );

    it.each(['0.0.0.0', '::', '192.168.1.10', 'clinic.example', '128.0.0.1'])(
      'are off by default on %s',
      (HOST) => {
        expect(isLoopbackHost(HOST)).toBe(false);
        expect(loadConfig({ HOST }).demoUsers).toBe(false);
      },
    );

    it('follow DEMO_USERS when it is set explicitly', () => {
      expect(loadConfig({ HOST: '0.0.0.0', DEMO_USERS: 'true' }).demoUsers).toBe(true);
      expect(loadConfig({ HOST: '127.0.0.1', DEMO_USERS: 'false' }).demoUsers).toBe(false);
    });
  });
});
