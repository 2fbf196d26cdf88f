import { createHmac } from 'node:crypto';
import { KnexLiveCallFinder } from '../../src/infrastructure/ice/knex-live-call-finder.adapter.js';
import { DEMO, TestServer } from '../support/test-server.js';

const TURN_SECRET = 'coturn-static-auth-secret-for-tests';
const STUN = 'stun:127.0.0.1:3478';
const TURN = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'];

interface IceServers {
  iceServers: Array<{ urls: string[]; username?: string; credential?: string }>;
  ttlSeconds: number;
  iceTransportPolicy: 'all' | 'relay';
}

describe('GET /webrtc/ice-servers', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({
      STUN_URLS: STUN,
      TURN_URLS: TURN.join(','),
      TURN_SECRET,
      TURN_TTL_SECONDS: '900',
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  async function liveCall(): Promise<string> {
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    return call.body.id;
  }

  it('gives STUN only to someone who is in no live call, never cached', async () => {
    const response = await api.as<IceServers>('patient2', 'GET', '/webrtc/ice-servers');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      iceServers: [{ urls: [STUN] }],
      ttlSeconds: 900,
      iceTransportPolicy: 'all',
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('adds TURN with REST credentials valid TURN_TTL_SECONDS for a participant of a live call', async () => {
    const callId = await liveCall();
    for (const user of ['provider', 'patient'] as const) {
      const before = Math.floor(Date.now() / 1000);
      const response = await api.as<IceServers>(
        user,
        'GET',
        `/webrtc/ice-servers?callId=${callId}`,
      );
      expect(response.status).toBe(200);
      const [stun, turn] = response.body.iceServers;
      expect(stun).toEqual({ urls: [STUN] });
      expect(turn?.urls).toEqual(TURN);
      const [expiry, userId] = (turn?.username ?? '').split(':');
      expect(userId).toBe(DEMO[user].id);
      expect(Number(expiry) - before).toBeGreaterThanOrEqual(900);
      expect(Number(expiry) - before).toBeLessThanOrEqual(902);
      expect(turn?.credential).toBe(
        createHmac('sha1', TURN_SECRET)
          .update(turn?.username ?? '')
          .digest('base64'),
      );
    }
    // Still while it runs; no longer once it is over.
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    const running = await api.as<IceServers>(
      'patient',
      'GET',
      `/webrtc/ice-servers?callId=${callId}`,
    );
    expect(running.body.iceServers).toHaveLength(2);
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/end`, { body: {} });
    const over = await api.as<IceServers>('patient', 'GET', `/webrtc/ice-servers?callId=${callId}`);
    expect(over.body.iceServers).toEqual([{ urls: [STUN] }]);
  });

  it('hides other people’s calls and refuses bad input', async () => {
    const callId = await liveCall();
    const stranger = await api.as('patient2', 'GET', `/webrtc/ice-servers?callId=${callId}`);
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ code: 'CALL.NOT_FOUND' });
    const badId = await api.as('patient', 'GET', '/webrtc/ice-servers?callId=nope');
    expect(badId.status).toBe(400);
    const unknownParam = await api.as('patient', 'GET', '/webrtc/ice-servers?turn=always');
    expect(unknownParam.status).toBe(400);
    expect((await api.request('GET', '/webrtc/ice-servers')).status).toBe(401);
    expect((await api.as('auditor', 'GET', '/webrtc/ice-servers')).status).toBe(403);
  });

  it('without a call id, finds a live call in the calls read model', async () => {
    const finder = new KnexLiveCallFinder(api.server.runtime.knex);
    const knex = api.server.runtime.knex;
    const row = (id: string, status: string, patientId: string) => ({
      id,
      type: 'VIDEO',
      status,
      provider_id: DEMO.provider2.id,
      patient_id: patientId,
      initiator_id: DEMO.provider2.id,
      callee_id: patientId,
      recording_enabled: false,
      initiated_at: new Date(),
      revision: 0,
      last_position: '1',
      updated_at: new Date(),
    });
    // Rows as the read side projects them (ids of calls that exist nowhere else).
    await knex('calls')
      .insert([
        row('6d0e8f0a-1111-4aaa-8bbb-000000000001', 'IN_PROGRESS', DEMO.patient2.id),
        row('6d0e8f0a-1111-4aaa-8bbb-000000000002', 'ENDED', DEMO.patient.id),
      ])
      .onConflict('id')
      .ignore();
    expect(await finder.hasLiveCall(DEMO.patient2.id)).toBe(true);
    expect(await finder.hasLiveCall(DEMO.provider2.id)).toBe(true);
    expect(await finder.hasLiveCall(DEMO.admin.id)).toBe(false);
    const response = await api.as<IceServers>('provider2', 'GET', '/webrtc/ice-servers');
    expect(response.body.iceServers.map((server) => server.urls)).toEqual([[STUN], TURN]);
  });
});

describe('GET /webrtc/ice-servers with ICE_TRANSPORT_POLICY=relay', () => {
  it('tells the browser to use TURN only', async () => {
    const api = await TestServer.start({
      TURN_URLS: STUN.replace('stun:', 'turn:'),
      TURN_SECRET,
      ICE_TRANSPORT_POLICY: 'relay',
    });
    try {
      const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
        body: { patientId: DEMO.patient.id, type: 'VIDEO' },
      });
      const response = await api.as<IceServers>(
        'patient',
        'GET',
        `/webrtc/ice-servers?callId=${call.body.id}`,
      );
      expect(response.body.iceTransportPolicy).toBe('relay');
      expect(response.body.iceServers.map((server) => server.urls)).toEqual([
        [STUN.replace('stun:', 'turn:')],
      ]);
    } finally {
      await api.stop();
    }
  });
});
