import { SignalingClient } from '../support/socket-client.js';
import { DEMO, TestServer } from '../support/test-server.js';

const GRACE_SECONDS = 2;
const SDP = { type: 'offer', sdp: 'v=0\r\n' };

/** Drops the transport under the client, as a network loss does (no leave-call, no goodbye). */
function dropConnection(client: SignalingClient): void {
  client.socket.io.engine.close();
}

describe('disconnects and reconnects', () => {
  let api: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    api = await TestServer.start({ RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await api.stop();
  });

  async function connect(user: 'provider' | 'patient', reconnection = false) {
    const client = await SignalingClient.as(api, user, { reconnection });
    clients.push(client);
    return client;
  }

  async function joinedCall(provider: SignalingClient, patient: SignalingClient) {
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    const callId = call.body.id;
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    expect(await provider.request('join-call', { callId })).toMatchObject({ ok: true });
    expect(await patient.request('join-call', { callId })).toMatchObject({ ok: true });
    await provider.next('participant-joined');
    return callId;
  }

  const types = async (callId: string) =>
    (await api.ledgerEvents(`call-${callId}`)).map((event) => event.type);

  it('records an unexpected drop and restores the participant who comes back within the grace', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient', true);
    const callId = await joinedCall(provider, patient);

    const reconnected = new Promise<void>((resolve) =>
      patient.socket.io.once('reconnect', () => resolve()),
    );
    dropConnection(patient);
    expect(await provider.next('participant-disconnected')).toMatchObject({
      callId,
      userId: DEMO.patient.id,
    });
    await reconnected;
    const back = await patient.request('reconnect-call', { callId });
    expect(back).toMatchObject({
      ok: true,
      callId,
      status: 'IN_PROGRESS',
      resumed: false,
      participants: [
        { userId: DEMO.provider.id },
        { userId: DEMO.patient.id, status: 'CONNECTED' },
      ],
    });
    expect(await provider.next('participant-joined')).toMatchObject({
      userId: DEMO.patient.id,
      reconnected: true,
    });
    // Signaling reaches the new connection.
    await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP });
    expect(await patient.next('offer')).toMatchObject({ callId, from: DEMO.provider.id });

    // The grace timer fires later and finds nothing to do.
    await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 1500));
    expect(await types(callId)).toEqual([
      'CallInitiated',
      'CallAnswered',
      'ParticipantJoined',
      'ParticipantJoined',
      'ParticipantDisconnected',
      'ParticipantReconnected',
    ]);
    expect(provider.all('participant-left')).toEqual([]);
  });

  it('records the participant as left when the grace runs out, and the call ends when the last one is gone', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const providerOtherTab = await connect('provider');
    const callId = await joinedCall(provider, patient);
    // Media flowed (the browser says so): losing everyone ends this call rather than fails it.
    const linkUp = { rttMs: 40, jitterMs: 5, packetLossPct: 0, connectionState: 'connected' };
    expect(await provider.request('connection-quality', { callId, ...linkUp })).toMatchObject({
      ok: true,
      connected: true,
    });

    patient.close();
    expect(await provider.next('participant-disconnected')).toMatchObject({
      userId: DEMO.patient.id,
    });
    expect(
      await provider.next('participant-left', () => true, (GRACE_SECONDS + 3) * 1000),
    ).toMatchObject({ callId, userId: DEMO.patient.id, reason: 'reconnect_grace_expired' });

    // Too late to reconnect; joining again is how to come back.
    const late = await connect('patient');
    expect(await late.request('reconnect-call', { callId })).toMatchObject({
      ok: false,
      code: 'PARTICIPANT.NOT_DISCONNECTED',
    });
    expect(await late.request('join-call', { callId })).toMatchObject({ ok: true });
    expect(await provider.next('participant-joined')).toMatchObject({ userId: DEMO.patient.id });

    // Both drop for good: the call ends once the last one's grace has run out.
    late.close();
    provider.close();
    expect(
      await providerOtherTab.next(
        'call-ended',
        (ended) => ended['callId'] === callId,
        (GRACE_SECONDS + 4) * 1000,
      ),
    ).toMatchObject({ callId, status: 'ENDED', reason: 'all_participants_left' });
    const history = await api.ledgerEvents(`call-${callId}`);
    expect(history.slice(-3).map((event) => [event.type, event.data['reason']])).toEqual([
      ['ParticipantLeft', 'reconnect_grace_expired'],
      ['ParticipantLeft', 'reconnect_grace_expired'],
      ['CallEnded', 'all_participants_left'],
    ]);
  });

  it('refuses to reconnect after the grace even before the timer has fired', async () => {
    const provider = await connect('provider');
    // No timers here: only the decider's rule stands between the participant and the call.
    const patient = await connect('patient');
    const callId = await joinedCall(provider, patient);
    await api.server.timers.stop();
    try {
      patient.close();
      await provider.next('participant-disconnected');
      await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 200));
      const late = await connect('patient');
      expect(await late.request('reconnect-call', { callId })).toMatchObject({
        ok: false,
        code: 'PARTICIPANT.RECONNECT_GRACE_EXPIRED',
      });
    } finally {
      api.server.timers.start();
    }
  });

  it('lets a new connection take over before the old one is noticed gone, and the old one records nothing', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const callId = await joinedCall(provider, patient);

    const newTab = await connect('patient');
    expect(await newTab.request('reconnect-call', { callId })).toMatchObject({
      ok: true,
      resumed: true,
    });
    // Relayed messages go to the new connection only.
    await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP });
    expect(await newTab.next('offer')).toMatchObject({ from: DEMO.provider.id });
    expect(patient.all('offer')).toEqual([]);
    // The old connection is out of the call: it can no longer signal into it...
    expect(
      await patient.request('offer', { callId, to: DEMO.provider.id, sdp: SDP }),
    ).toMatchObject({ ok: false, code: 'SIGNAL.NOT_IN_CALL' });
    // ...and its loss is not the participant's.
    const before = await api.ledgerEventCount();
    patient.close();
    expect(await provider.quietFor(300, 'participant-disconnected')).toEqual([]);
    expect(await api.ledgerEventCount()).toBe(before);
  });
});
