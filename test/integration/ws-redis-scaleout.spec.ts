import { SignalingClient } from '../support/socket-client.js';
import {
  callAcrossInstances,
  startInstancePair,
  tally,
  type InstancePair,
} from '../support/socket-cluster.js';
import { DEMO } from '../support/test-server.js';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;

const SDP_OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const SDP_ANSWER = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
const POOR_LINK = { rttMs: 500, jitterMs: 50, packetLossPct: 8 };

withRedis(
  `two instances sharing Redis${REDIS_URL ? '' : ' (skipped: REDIS_URL is not set)'}`,
  () => {
    let pair: InstancePair;
    const clients: SignalingClient[] = [];

    beforeAll(async () => {
      pair = await startInstancePair(REDIS_URL ?? '');
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });
    afterAll(async () => {
      await pair.stop();
    });

    async function connect(server: 'a' | 'b', user: 'provider' | 'patient') {
      const client = await SignalingClient.as(pair[server], user);
      clients.push(client);
      return client;
    }

    it('runs the whole flow with the provider on one instance and the patient on the other, each notification once', async () => {
      const provider = await connect('a', 'provider');
      const patient = await connect('b', 'patient');
      const callId = await callAcrossInstances(pair, provider, patient);

      // Relayed through the Redis stream, in order, stamped.
      await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER });
      expect(await patient.next('offer')).toEqual({
        callId,
        from: DEMO.provider.id,
        sdp: SDP_OFFER,
      });
      await patient.request('answer', { callId, to: DEMO.provider.id, sdp: SDP_ANSWER });
      expect(await provider.next('answer')).toEqual({
        callId,
        from: DEMO.patient.id,
        sdp: SDP_ANSWER,
      });
      for (let index = 0; index < 5; index++) {
        provider.send('ice-candidate', {
          callId,
          to: DEMO.patient.id,
          candidate: { candidate: `candidate:${index} 1 udp 1 192.0.2.1 ${9000 + index} typ host` },
        });
        patient.send('ice-candidate', {
          callId,
          to: DEMO.provider.id,
          candidate: { candidate: `candidate:${index} 1 udp 1 192.0.2.2 ${7000 + index} typ host` },
        });
      }
      for (let index = 0; index < 5; index++) {
        expect(await patient.next('ice-candidate')).toMatchObject({
          from: DEMO.provider.id,
          candidate: { candidate: expect.stringContaining(`candidate:${index} `) },
        });
        expect(await provider.next('ice-candidate')).toMatchObject({
          from: DEMO.patient.id,
          candidate: { candidate: expect.stringContaining(`candidate:${index} `) },
        });
      }

      for (const client of [provider, patient]) {
        await client.request('connection-quality', {
          callId,
          rttMs: 40,
          jitterMs: 2,
          packetLossPct: 0,
          connectionState: 'connected',
        });
      }
      await patient.request('update-media', { callId, screenShare: true });
      expect(await provider.next('participant-media-updated')).toMatchObject({
        userId: DEMO.patient.id,
        screenShare: true,
      });
      for (let sample = 0; sample < 3; sample++) {
        await patient.request('connection-quality', { callId, ...POOR_LINK });
      }
      for (const client of [patient, provider]) {
        expect(await client.next('quality-warning')).toMatchObject({
          callId,
          userId: DEMO.patient.id,
          suggestion: 'audio-only',
        });
      }

      // The provider ends it over REST on the patient's instance.
      expect(
        (await pair.b.as('provider', 'POST', `/webrtc/calls/${callId}/end`, { body: {} })).status,
      ).toBe(200);
      for (const client of [provider, patient]) {
        expect(await client.next('call-ended')).toMatchObject({ callId, status: 'ENDED' });
      }

      // Give any duplicate every chance to arrive: none does, nothing is missing.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(tally(provider)).toEqual({});
      expect(tally(patient)).toEqual({});
      const types = (await pair.a.ledgerEvents(`call-${callId}`)).map((event) => event.type);
      expect(types.filter((type) => type === 'CallQualityDegraded')).toHaveLength(1);
      expect(types.at(-3)).toBe('CallEnded');
    });

    it('hands a participant over to a new connection on the other instance', async () => {
      const provider = await connect('a', 'provider');
      const patient = await connect('b', 'patient');
      const callId = await callAcrossInstances(pair, provider, patient);

      const takeover = await connect('a', 'patient');
      expect(await takeover.request('reconnect-call', { callId })).toMatchObject({
        ok: true,
        resumed: true,
      });
      // The old connection on instance B is taken out of the call through the adapter.
      const refused = async () =>
        (await patient.request('update-media', { callId, audio: false })).code;
      const deadline = Date.now() + 5_000;
      let code = await refused();
      while (code !== 'SIGNAL.NOT_IN_CALL' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        code = await refused();
      }
      expect(code).toBe('SIGNAL.NOT_IN_CALL');
      await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER });
      expect(await takeover.next('offer')).toMatchObject({ from: DEMO.provider.id });
      expect(patient.all('offer')).toEqual([]);

      const before = await pair.a.ledgerEventCount();
      patient.close();
      expect(await provider.quietFor(300, 'participant-disconnected')).toEqual([]);
      expect(await pair.a.ledgerEventCount()).toBe(before);
    });
  },
);
