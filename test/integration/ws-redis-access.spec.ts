import type { Packet } from 'socket.io-parser';
import {
  LIVE_CONNECTIONS,
  type LiveConnections,
} from '../../src/application/ports/live-connections.port.js';
import { SignalingClient } from '../support/socket-client.js';
import {
  callAcrossInstances,
  startInstancePair,
  type InstancePair,
} from '../support/socket-cluster.js';
import { DEMO, type DemoUser, type TestServer } from '../support/test-server.js';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;

const SDP_OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const SDP_LATER = { type: 'offer', sdp: 'v=0\r\no=- 5 6 IN IP4 127.0.0.1\r\n' };

/** socket.io-parser's packet types. */
const CONNECT_ERROR = 4;
const EVENT = 2;

withRedis(
  `socket access on two instances sharing Redis${REDIS_URL ? '' : ' (skipped: REDIS_URL is not set)'}`,
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

    async function openSession(user: DemoUser): Promise<string> {
      return (await pair.a.server.runtime.sessions.store.open(DEMO[user].id, 3600)).sessionId;
    }

    /** A token of `sessionId`, or of a session opened for it when null. */
    async function tokenOf(server: TestServer, user: DemoUser, sessionId: string | null) {
      const { role } = { provider: { role: 'provider' }, patient: { role: 'patient' } }[
        user as 'provider' | 'patient'
      ] as { role: 'provider' | 'patient' };
      const session = sessionId ?? (await openSession(user));
      return (
        await server.server.runtime.tokens.issue({
          userId: DEMO[user].id,
          role,
          sessionId: session,
        })
      ).accessToken;
    }

    async function connect(server: 'a' | 'b', token: string, reconnection = false) {
      const client = await SignalingClient.connect(pair[server].server.url, token, {
        reconnection,
      });
      clients.push(client);
      return client;
    }

    function closed(client: SignalingClient): Promise<string> {
      return new Promise((resolve) =>
        client.socket.once('disconnect', (reason) => resolve(reason)),
      );
    }

    const liveConnections = (server: TestServer) =>
      server.server.app.get<LiveConnections>(LIVE_CONNECTIONS);

    it('ends the sockets of a session on every instance, after session-ended, and no others', async () => {
      const ended = await openSession('provider');
      const kept = await openSession('provider');
      const onA = await connect('a', await tokenOf(pair.a, 'provider', ended));
      const onB = await connect('b', await tokenOf(pair.b, 'provider', ended));
      const otherSession = await connect('b', await tokenOf(pair.b, 'provider', kept));
      const patient = await connect('a', await tokenOf(pair.a, 'patient', null));
      // A refresh moves a socket to its new token's session: the old one no longer reaches it.
      const moved = await connect('a', await tokenOf(pair.a, 'provider', ended));
      expect(
        await moved.request('refresh-token', { token: await tokenOf(pair.a, 'provider', kept) }),
      ).toMatchObject({ ok: true });
      const closing = [closed(onA), closed(onB)];

      await liveConnections(pair.a).endSessions([ended], 'AUTH.SESSION_ENDED');

      for (const client of [onA, onB]) {
        expect(await client.next('session-ended')).toEqual({
          code: 'AUTH.SESSION_ENDED',
          message: expect.any(String),
        });
      }
      expect(await Promise.all(closing)).toEqual(['io server disconnect', 'io server disconnect']);
      expect(await otherSession.quietFor(500, 'session-ended')).toEqual([]);
      for (const client of [otherSession, patient, moved]) {
        expect(client.socket.connected).toBe(true);
        expect(client.all('session-ended')).toEqual([]);
      }
    });

    it('ends every socket of a user on every instance, and a call records the drop', async () => {
      const provider = await connect('a', await tokenOf(pair.a, 'provider', null));
      const providerElsewhere = await connect('b', await tokenOf(pair.b, 'provider', null));
      const patient = await connect('b', await tokenOf(pair.b, 'patient', null));
      const callId = await callAcrossInstances(pair, provider, patient);
      const closing = [closed(provider), closed(providerElsewhere)];

      await liveConnections(pair.b).endUser(DEMO.provider.id, 'AUTH.USER_DEACTIVATED');

      for (const client of [provider, providerElsewhere]) {
        expect(await client.next('session-ended')).toMatchObject({
          code: 'AUTH.USER_DEACTIVATED',
        });
      }
      expect(await Promise.all(closing)).toEqual(['io server disconnect', 'io server disconnect']);
      expect(await patient.next('participant-disconnected')).toMatchObject({
        callId,
        userId: DEMO.provider.id,
      });
      expect(patient.socket.connected).toBe(true);
      expect(patient.all('session-ended')).toEqual([]);
    });

    /**
     * The patient's link drops; meanwhile the provider relays an offer, which the adapter keeps
     * for the patient's session. Returns the patient and every socket.io packet it receives
     * from then on, as they arrive on the wire (before socket.io-client buffers or drops them).
     */
    async function patientMissesAnOffer() {
      const provider = await connect('a', await tokenOf(pair.a, 'provider', null));
      const patient = await connect('b', await tokenOf(pair.b, 'patient', null));
      const callId = await callAcrossInstances(pair, provider, patient);
      // An offer first, so the patient knows its offset in the stream.
      expect(
        await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER }),
      ).toMatchObject({ ok: true });
      await patient.next('offer');
      const wire: Packet[] = [];
      patient.socket.io.on('packet', (packet: Packet) => wire.push(packet));
      const dropped = closed(patient);
      patient.socket.io.engine.close();
      // The client closed its own transport; the server sees a transport close (recoverable).
      expect(await dropped).toBe('forced close');
      await provider.next('participant-disconnected');
      expect(
        await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_LATER }),
      ).toMatchObject({ ok: true });
      return { patient, callId, wire };
    }

    function reconnect(client: SignalingClient): Promise<'connected' | { code: unknown }> {
      return new Promise((resolve) => {
        client.socket.once('connect', () => resolve('connected'));
        client.socket.once('connect_error', (error: Error & { data?: { code?: unknown } }) =>
          resolve({ code: error.data?.code }),
        );
        client.socket.connect();
      });
    }

    it('replays missed packets to a socket that authenticated again as the same user', async () => {
      const { patient, callId, wire } = await patientMissesAnOffer();
      patient.socket.auth = { token: await tokenOf(pair.b, 'patient', null) };

      expect(await reconnect(patient)).toBe('connected');
      expect(patient.socket.recovered).toBe(true);
      expect(await patient.next('offer')).toMatchObject({ callId, sdp: SDP_LATER });
      expect(wire.filter((packet) => packet.type === EVENT).length).toBeGreaterThan(0);
    });

    it('sends no missed packet to a socket whose token is invalid on reconnect', async () => {
      const { patient, wire } = await patientMissesAnOffer();
      patient.socket.auth = { token: 'not-a-valid-token' };

      expect(await reconnect(patient)).toEqual({ code: 'AUTH.TOKEN_INVALID' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(wire.map((packet) => packet.type)).toEqual([CONNECT_ERROR]);
    });

    it('sends no missed packet to a socket that comes back as another user', async () => {
      const { patient, wire } = await patientMissesAnOffer();
      patient.socket.auth = { token: await tokenOf(pair.b, 'provider', null) };

      expect(await reconnect(patient)).toBe('connected');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(wire.filter((packet) => packet.type === EVENT)).toEqual([]);
      expect(patient.all('offer')).toEqual([]);
    });
  },
);
