import pg from 'pg';
import { SignalingClient } from '../support/socket-client.js';
import {
  callAcrossInstances,
  startInstancePair,
  type InstancePair,
} from '../support/socket-cluster.js';
import { PrivateRedis, redisServerBinary } from '../support/socket-redis-server.js';
import { DEMO } from '../support/test-server.js';

const binary = redisServerBinary();
const withRedisServer = binary ? describe : describe.skip;

const candidate = (host: string, index: number) => ({
  candidate: `candidate:${index} 1 udp 2122260223 ${host} ${50_000 + index} typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

withRedisServer(
  `signaling through a Redis that restarts mid-call${binary ? '' : ' (skipped: no redis-server binary)'}`,
  () => {
    let redis: PrivateRedis;
    let pair: InstancePair;
    const clients: SignalingClient[] = [];

    beforeAll(async () => {
      redis = await PrivateRedis.start(binary ?? '');
      pair = await startInstancePair(redis.url);
    });
    afterAll(async () => {
      for (const client of clients) client.close();
      await pair?.stop();
      await redis?.stop();
    });

    it('loses no relayed message while Redis is down, and resumes when it is back', async () => {
      const provider = await SignalingClient.as(pair.a, 'provider');
      const patient = await SignalingClient.as(pair.b, 'patient');
      clients.push(provider, patient);
      const callId = await callAcrossInstances(pair, provider, patient);
      const toPatient = { callId, to: DEMO.patient.id };
      const toProvider = { callId, to: DEMO.provider.id };

      await provider.request('offer', { ...toPatient, sdp: { type: 'offer', sdp: 'v=0\r\n' } });
      expect(await patient.next('offer')).toMatchObject({ from: DEMO.provider.id });

      // A runs the ledger notifier (B's stands by): A's own sockets need no Redis to hear it.
      await pair.b.server.runtime.notifier.stop();

      // Redis crashes mid-call. Both sides keep trickling candidates meanwhile.
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let index = 0; index < 10; index++) {
        expect(
          await provider.request('ice-candidate', {
            ...toPatient,
            candidate: candidate('192.0.2.1', index),
          }),
        ).toEqual({ ok: true });
        expect(
          await patient.request('ice-candidate', {
            ...toProvider,
            candidate: candidate('192.0.2.2', index),
          }),
        ).toEqual({ ok: true });
      }
      // Ledger-driven notifications reach the notifier's own sockets without Redis: they still
      // arrive.
      await patient.request('update-media', { callId, video: false });
      expect(await provider.next('participant-media-updated')).toMatchObject({ video: false });
      // Nothing relayed can arrive while the stream is down.
      expect(patient.all('ice-candidate')).toEqual([]);

      await new Promise((resolve) => setTimeout(resolve, 500));
      await redis.run();

      // Every candidate arrives, once, in order.
      for (let index = 0; index < 10; index++) {
        expect(await patient.next('ice-candidate', () => true, 10_000)).toEqual({
          callId,
          from: DEMO.provider.id,
          candidate: candidate('192.0.2.1', index),
        });
        expect(await provider.next('ice-candidate', () => true, 10_000)).toEqual({
          callId,
          from: DEMO.patient.id,
          candidate: candidate('192.0.2.2', index),
        });
      }
      // And signaling goes on as before.
      await patient.request('answer', { ...toProvider, sdp: { type: 'answer', sdp: 'v=0\r\n' } });
      expect(await provider.next('answer')).toMatchObject({ from: DEMO.patient.id });
      await provider.request('offer', { ...toPatient, sdp: { type: 'offer', sdp: 'v=0\r\n' } });
      expect(await patient.next('offer')).toMatchObject({ from: DEMO.provider.id });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(patient.all('ice-candidate')).toEqual([]);
      expect(provider.all('ice-candidate')).toEqual([]);

      // Presence lives in PostgreSQL: the Redis outage took nobody for lost.
      const events = await pair.a.ledgerEvents(`call-${callId}`);
      expect(events.filter((event) => event.type === 'ParticipantDisconnected')).toEqual([]);
      const leases = new pg.Client({ connectionString: pair.a.database.connectionString });
      await leases.connect();
      try {
        const { rows } = await leases.query<{ live: boolean }>(
          'SELECT expires_at > now() AS live FROM presence_leases WHERE call_id = $1',
          [callId],
        );
        expect(rows).toEqual([{ live: true }, { live: true }]);
      } finally {
        await leases.end();
      }
    });
  },
);
