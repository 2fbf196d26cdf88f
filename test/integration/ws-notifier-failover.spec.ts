import { WebRtcGateway } from '../../src/interfaces/ws/webrtc.gateway.js';
import { SignalingClient } from '../support/socket-client.js';
import { startInstancePair, type InstancePair } from '../support/socket-cluster.js';
import { DEMO, type TestServer } from '../support/test-server.js';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;

withRedis(
  `socket notifications across two instances${REDIS_URL ? '' : ' (skipped: REDIS_URL is not set)'}`,
  () => {
    let pair: InstancePair;
    const clients: SignalingClient[] = [];

    beforeAll(async () => {
      pair = await startInstancePair(REDIS_URL ?? '');
    });
    afterAll(async () => {
      for (const client of clients.splice(0)) client.close();
      await pair.stop();
    });

    async function connect(server: TestServer, user: 'provider' | 'patient') {
      const client = await SignalingClient.as(server, user);
      clients.push(client);
      return client;
    }

    function heard(client: SignalingClient, callId: string): string[] {
      return client.received
        .filter(({ payload }) => payload['callId'] === callId)
        .map(({ event }) => event);
    }

    it('reaches the sockets of an instance whose notifier is not running, and catches up from the checkpoint after the other instance went away', async () => {
      const { a, b } = pair;
      const provider = await connect(b, 'provider');
      const patient = await connect(b, 'patient');

      // Only A's notifier can run: B's sockets hear it through the adapter, once.
      await b.server.runtime.notifier.stop();
      const call = await b.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
        body: { patientId: DEMO.patient.id, type: 'VIDEO', recordingEnabled: false },
      });
      expect(call.status).toBe(201);
      const callId = call.body.id;
      const incoming = await patient.next('incoming-call', (news) => news['callId'] === callId);
      expect(typeof incoming['eventId']).toBe('string');

      // No notifier runs while the call is answered; then A goes away for good.
      await a.server.runtime.notifier.stop();
      expect((await b.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
      await patient.quietFor(500, 'call-answered');
      expect(heard(patient, callId)).toEqual([]);
      await a.stop();

      // B's notifier starts from the shared checkpoint: the answer is news to both.
      await b.server.runtime.notifier.start(b.server.app.get(WebRtcGateway));
      for (const client of [provider, patient]) {
        const answered = await client.next('call-answered', (news) => news['callId'] === callId);
        expect(typeof answered['eventId']).toBe('string');
      }
      await patient.quietFor(300, 'incoming-call');
      expect(heard(patient, callId)).toEqual([]);
      expect(heard(provider, callId)).toEqual([]);
    });
  },
);
