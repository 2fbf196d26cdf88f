import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { SignalingClient } from './socket-client.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { DEMO, TestServer } from './test-server.js';

/** Two instances on one database and one Redis, as behind a load balancer. */
export interface InstancePair {
  readonly a: TestServer;
  readonly b: TestServer;
  readonly streamName: string;
  stop(): Promise<void>;
}

export async function startInstancePair(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<InstancePair> {
  const database: TestDatabase = await createTestDatabase();
  // A stream of this test's own: test files sharing one Redis never hear each other.
  const streamName = `test:signaling:${randomBytes(6).toString('hex')}`;
  const settings = { REDIS_URL: redisUrl, SIGNALING_REDIS_STREAM: streamName, ...env };
  const a = await TestServer.start(settings, { database });
  const b = await TestServer.start(settings, { database });
  return {
    a,
    b,
    streamName,
    async stop() {
      await Promise.allSettled([a.stop(), b.stop()]);
      await database.drop();
      const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        const keys = await redis.keys(`${streamName}*`);
        if (keys.length > 0) await redis.del(keys);
        await redis.close();
      } catch {
        // Redis is gone already (a test stopped it): nothing left to clean.
      }
    },
  };
}

/**
 * The provider (on A) rings the patient (on B), the patient answers over REST on B, both join:
 * every step crosses from one instance to the other.
 */
export async function callAcrossInstances(
  pair: InstancePair,
  provider: SignalingClient,
  patient: SignalingClient,
): Promise<string> {
  const call = await pair.a.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
    body: { patientId: DEMO.patient.id, type: 'VIDEO', recordingEnabled: true },
  });
  const callId = call.body.id;
  await patient.next('incoming-call', (incoming) => incoming['callId'] === callId);
  if (!(await provider.request('join-call', { callId })).ok) throw new Error('provider join');
  await provider.next('room-participants', (room) => room['callId'] === callId);
  const answered = await pair.b.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
  if (answered.status !== 200) throw new Error(`answer: ${answered.status}`);
  for (const client of [provider, patient]) {
    await client.next('call-answered', (event) => event['callId'] === callId);
  }
  if (!(await patient.request('join-call', { callId })).ok) throw new Error('patient join');
  await provider.next('participant-joined', (event) => event['callId'] === callId);
  await patient.next('room-participants', (room) => room['callId'] === callId);
  return callId;
}

/** Counts received events by name. */
export function tally(client: SignalingClient): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { event } of client.received) counts[event] = (counts[event] ?? 0) + 1;
  return counts;
}
