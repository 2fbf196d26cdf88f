import { SignalingClient } from '../support/socket-client.js';
import { DEMO, TestServer } from '../support/test-server.js';

const SDP_OFFER = { type: 'offer', sdp: 'v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
const SDP_ANSWER = { type: 'answer', sdp: 'v=0\r\no=- 4612 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
const CANDIDATE = {
  candidate: 'candidate:842163049 1 udp 1677729535 192.0.2.10 46154 typ srflx',
  sdpMid: '0',
  sdpMLineIndex: 0,
};
const GOOD_LINK = { rttMs: 60, jitterMs: 3, packetLossPct: 0.2, bitrateKbps: 1800 };
const POOR_LINK = { rttMs: 450, jitterMs: 45, packetLossPct: 7, bitrateKbps: 300 };

describe('signaling gateway /webrtc', () => {
  let api: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    api = await TestServer.start({ QUALITY_REPORT_INTERVAL_SECONDS: '1' });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await api.stop();
  });

  async function connect(user: Parameters<typeof SignalingClient.as>[1]) {
    const client = await SignalingClient.as(api, user);
    clients.push(client);
    return client;
  }

  async function ringingCall(): Promise<string> {
    const response = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO', recordingEnabled: true },
    });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  /** A call both have joined over the socket. */
  async function joinedCall(provider: SignalingClient, patient: SignalingClient) {
    const callId = await ringingCall();
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    expect(await provider.request('join-call', { callId })).toMatchObject({ ok: true });
    expect(await patient.request('join-call', { callId })).toMatchObject({ ok: true });
    return callId;
  }

  describe('handshake', () => {
    it('refuses a connection without a token, with a forged one, and for other roles', async () => {
      const url = api.server.url;
      await expect(SignalingClient.connect(url, null)).rejects.toMatchObject({
        message: expect.stringContaining('auth: { token }'),
        data: { code: 'AUTH.TOKEN_MISSING' },
      });
      await expect(SignalingClient.connect(url, 'not.a.jwt')).rejects.toMatchObject({
        data: { code: 'AUTH.TOKEN_INVALID', message: expect.stringContaining('invalid') },
      });
      const auditor = await api.tokenFor('auditor');
      await expect(SignalingClient.connect(url, auditor)).rejects.toMatchObject({
        data: { code: 'AUTH.ROLE_FORBIDDEN' },
      });
    });
  });

  it('delivers an offer sent the instant participant-joined arrives to the one who joined', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    for (let round = 0; round < 5; round++) {
      const callId = await ringingCall();
      expect(await provider.request('join-call', { callId })).toMatchObject({ ok: true });
      await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
      // The clinician offers the moment the ledger says the patient is in, as the web client does.
      provider.socket.once('participant-joined', () =>
        provider.send('offer', { callId, to: DEMO.patient.id, sdp: { type: 'offer', sdp: 'v=0' } }),
      );
      expect(await patient.request('join-call', { callId })).toMatchObject({ ok: true });
      const offer = await patient.next('offer', (payload) => payload['callId'] === callId);
      expect(offer).toMatchObject({ from: DEMO.provider.id });
      await api.as('provider', 'POST', `/webrtc/calls/${callId}/end`, { body: {} });
    }
  });

  it('runs a whole call: incoming call, answer, join, offer/answer/ICE, media, quality warning, recording, end', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const before = await api.ledgerEventCount();

    // 1. The clinician calls over REST; the patient's sockets ring.
    const callId = await ringingCall();
    expect(await patient.next('incoming-call')).toMatchObject({
      callId,
      from: DEMO.provider.id,
      type: 'VIDEO',
    });
    expect(provider.all('incoming-call')).toEqual([]);

    // 2. The caller waits in the room while it rings.
    const waiting = await provider.request('join-call', { callId });
    expect(waiting).toMatchObject({
      ok: true,
      callId,
      status: 'RINGING',
      participants: [
        { userId: DEMO.provider.id, role: 'provider', status: 'JOINING' },
        { userId: DEMO.patient.id, role: 'patient', status: 'INVITED' },
      ],
    });

    // 3. The patient answers (REST); both hear it.
    expect((await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
    for (const client of [provider, patient]) {
      expect(await client.next('call-answered')).toMatchObject({
        callId,
        answeredBy: DEMO.patient.id,
      });
    }

    // 4. The patient joins; the provider hears it, the patient gets the room.
    expect(await patient.request('join-call', { callId })).toMatchObject({
      ok: true,
      status: 'IN_PROGRESS',
    });
    expect(await provider.next('participant-joined')).toMatchObject({
      callId,
      userId: DEMO.patient.id,
      role: 'patient',
      reconnected: false,
    });
    expect(await patient.next('room-participants')).toMatchObject({
      callId,
      participants: [
        { userId: DEMO.provider.id, status: 'JOINING' },
        { userId: DEMO.patient.id, status: 'JOINING' },
      ],
    });

    // 5. Offer, answer and ICE candidates reach the other participant, stamped, and nothing else.
    const beforeRelay = await api.ledgerEventCount();
    expect(
      await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER }),
    ).toEqual({ ok: true });
    expect(await patient.next('offer')).toEqual({
      callId,
      from: DEMO.provider.id,
      sdp: SDP_OFFER,
    });
    expect(
      await patient.request('answer', { callId, to: DEMO.provider.id, sdp: SDP_ANSWER }),
    ).toEqual({ ok: true });
    expect(await provider.next('answer')).toEqual({
      callId,
      from: DEMO.patient.id,
      sdp: SDP_ANSWER,
    });
    for (const [from, to, toId] of [
      [provider, patient, DEMO.patient.id],
      [patient, provider, DEMO.provider.id],
    ] as const) {
      from.send('ice-candidate', { callId, to: toId, candidate: CANDIDATE });
      expect(await to.next('ice-candidate')).toEqual({
        callId,
        from: from === provider ? DEMO.provider.id : DEMO.patient.id,
        candidate: CANDIDATE,
      });
    }
    expect(provider.all('offer')).toEqual([]);
    expect(patient.all('answer')).toEqual([]);
    expect(await api.ledgerEventCount()).toBe(beforeRelay);

    // 6. Both report a connected peer connection: they become CONNECTED.
    for (const client of [provider, patient]) {
      expect(
        await client.request('connection-quality', {
          callId,
          ...GOOD_LINK,
          candidateType: client === provider ? 'host' : 'relay',
          connectionState: 'connected',
        }),
      ).toMatchObject({ ok: true, poor: false, connected: true, degraded: false });
    }

    // 7. The patient turns the camera off; the provider sees it.
    expect(await patient.request('update-media', { callId, video: false })).toMatchObject({
      ok: true,
      media: { video: false, audio: true, screenShare: false },
    });
    expect(await provider.next('participant-media-updated')).toMatchObject({
      callId,
      userId: DEMO.patient.id,
      video: false,
      audio: true,
    });
    expect(patient.all('participant-media-updated')).toEqual([]);

    // 8. Three poor samples: the patient and the clinician are told to fall back to audio.
    const acks = [];
    for (let sample = 0; sample < 4; sample++) {
      acks.push(await patient.request('connection-quality', { callId, ...POOR_LINK }));
    }
    expect(acks.map((ack) => ack.degraded)).toEqual([false, false, true, false]);
    for (const client of [patient, provider]) {
      const warning = await client.next('quality-warning');
      expect(warning).toMatchObject({ callId, userId: DEMO.patient.id, suggestion: 'audio-only' });
      // The window as it stood: the good sample and the three poor ones.
      expect(warning['samples']).toHaveLength(4);
    }

    // 9. Recording, with everyone's consent.
    for (const user of ['provider', 'patient'] as const) {
      await api.as(user, 'POST', `/webrtc/calls/${callId}/consent`, { body: { consented: true } });
      for (const client of [provider, patient]) {
        expect(await client.next('recording-consent-updated')).toMatchObject({
          callId,
          userId: DEMO[user].id,
          consented: true,
        });
      }
    }
    const recording = await api.as<{ id: string }>(
      'provider',
      'POST',
      `/webrtc/calls/${callId}/record`,
    );
    expect(recording.status).toBe(201);
    for (const client of [provider, patient]) {
      expect(await client.next('recording-started')).toMatchObject({
        callId,
        recordingId: recording.body.id,
        startedBy: DEMO.provider.id,
      });
    }
    await api.as(
      'provider',
      'POST',
      `/webrtc/calls/${callId}/recordings/${recording.body.id}/stop`,
    );
    for (const client of [provider, patient]) {
      expect(await client.next('recording-stopped')).toMatchObject({
        callId,
        recordingId: recording.body.id,
        reason: 'stopped_by_user',
      });
    }

    // 10. The provider leaves, then the patient: the last one out ends the call.
    expect(await provider.request('leave-call', { callId })).toEqual({ ok: true, callId });
    expect(await patient.next('participant-left')).toMatchObject({
      callId,
      userId: DEMO.provider.id,
      reason: 'left',
    });
    expect(await patient.request('leave-call', { callId })).toEqual({ ok: true, callId });
    // This call's end only: the user's sockets may still hear of a call an earlier test ended.
    for (const client of [provider, patient]) {
      expect(
        await client.next('call-ended', (payload) => payload['callId'] === callId),
      ).toMatchObject({
        callId,
        status: 'ENDED',
        endedBy: 'system',
        reason: 'all_participants_left',
      });
    }
    // Out of the room: signaling to that call is refused.
    expect(
      await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER }),
    ).toMatchObject({ ok: false, code: 'SIGNAL.NOT_IN_CALL' });

    // The ledger: every step, and no SDP or candidate anywhere in it.
    const types = (await api.ledgerEvents(`call-${callId}`)).map((event) => event.type);
    expect(types).toEqual([
      'CallInitiated',
      'ParticipantJoined',
      'CallAnswered',
      'ParticipantJoined',
      'ParticipantConnected',
      'ParticipantConnected',
      'ParticipantMediaUpdated',
      'CallQualityDegraded',
      'RecordingConsentGiven',
      'RecordingConsentGiven',
      'RecordingStarted',
      'RecordingStopped',
      'ParticipantLeft',
      'ParticipantLeft',
      'CallEnded',
    ]);
    const samples = await api.ledgerEvents(`callquality-${callId}`);
    expect(samples).toHaveLength(6);
    expect(samples[1]).toMatchObject({
      type: 'QualitySampleRecorded',
      data: {
        callId,
        userId: DEMO.patient.id,
        candidateType: 'relay',
        connectionState: 'connected',
        bitrateKbps: 1800,
        poor: false,
        mos: expect.any(Number),
      },
    });
    expect(samples.slice(2).every((sample) => sample.data['poor'] === true)).toBe(true);
    const everything = JSON.stringify([...(await api.ledgerEvents(`call-${callId}`)), ...samples]);
    expect(everything).not.toContain('v=0');
    expect(everything).not.toContain('candidate:');
    expect(everything).not.toContain('192.0.2.10');
    expect(await api.ledgerEventCount()).toBe(before + types.length + samples.length);
  });

  it('lets a stranger neither join a call nor receive anything of it', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const stranger = await connect('patient2');
    const otherProvider = await connect('provider2');
    const callId = await joinedCall(provider, patient);
    const before = await api.ledgerEventCount();

    for (const outsider of [stranger, otherProvider]) {
      expect(await outsider.request('join-call', { callId })).toMatchObject({
        ok: false,
        code: 'CALL.NOT_FOUND',
      });
      expect(await outsider.request('reconnect-call', { callId })).toMatchObject({
        ok: false,
        code: 'CALL.NOT_FOUND',
      });
      expect(
        await outsider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER }),
      ).toMatchObject({ ok: false, code: 'SIGNAL.NOT_IN_CALL' });
      expect(await outsider.request('update-media', { callId, audio: false })).toMatchObject({
        ok: false,
        code: 'SIGNAL.NOT_IN_CALL',
      });
    }
    // A participant cannot address someone outside the call, nor themselves.
    expect(
      await provider.request('offer', { callId, to: DEMO.patient2.id, sdp: SDP_OFFER }),
    ).toMatchObject({ ok: false, code: 'SIGNAL.UNKNOWN_RECIPIENT' });
    expect(
      await provider.request('offer', { callId, to: DEMO.provider.id, sdp: SDP_OFFER }),
    ).toMatchObject({ ok: false, code: 'SIGNAL.UNKNOWN_RECIPIENT' });

    // What happens in the call stays in the call.
    await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER });
    await patient.request('update-media', { callId, audio: false });
    await patient.next('offer');
    await provider.next('participant-media-updated');
    for (const outsider of [stranger, otherProvider]) {
      expect(outsider.received.map((entry) => entry.event)).toEqual([]);
    }
    // The update-media, and each refusal by the call (a relay is refused before any call is read).
    const refusals = await api.server.runtime.eventStore.readStream(`access-${callId}`);
    expect(
      refusals.map((event) => [event.metadata.actor, event.data['route'], event.data['code']]),
    ).toEqual(
      [DEMO.patient2, DEMO.provider2].flatMap(({ id }) =>
        ['join-call', 'reconnect-call'].map((route) => [
          { userId: id, role: id === DEMO.patient2.id ? 'patient' : 'provider' },
          route,
          'CALL.NOT_FOUND',
        ]),
      ),
    );
    expect(refusals[0]).toMatchObject({
      type: 'AccessDenied',
      data: { callId, status: 404, method: 'SOCKET' },
      metadata: { origin: { ip: expect.any(String) } },
    });
    expect(await api.ledgerEventCount()).toBe(before + 1 + refusals.length);
  });

  it('never relays a client-sent `from`: the payload is refused and only the server stamps it', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const callId = await joinedCall(provider, patient);

    const spoofed = await provider.request('offer', {
      callId,
      to: DEMO.patient.id,
      from: DEMO.provider2.id,
      sdp: SDP_OFFER,
    });
    expect(spoofed).toMatchObject({
      ok: false,
      code: 'SIGNAL.INVALID_PAYLOAD',
      message: expect.stringContaining('property from should not exist'),
    });
    provider.send('ice-candidate', {
      callId,
      to: DEMO.patient.id,
      from: DEMO.patient2.id,
      candidate: CANDIDATE,
    });
    expect(await provider.next('error')).toMatchObject({
      event: 'ice-candidate',
      code: 'SIGNAL.INVALID_PAYLOAD',
    });
    expect(await patient.quietFor(200, 'offer')).toEqual([]);
    expect(patient.all('ice-candidate')).toEqual([]);

    await provider.request('offer', { callId, to: DEMO.patient.id, sdp: SDP_OFFER });
    expect(await patient.next('offer')).toMatchObject({ from: DEMO.provider.id });
  });

  it('does not let a participant join twice or a scheduled call be joined', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const callId = await joinedCall(provider, patient);
    expect(await patient.request('join-call', { callId })).toMatchObject({
      ok: false,
      code: 'PARTICIPANT.ALREADY_PRESENT',
    });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'AUDIO', scheduledAt: later },
    });
    expect(await patient.request('join-call', { callId: scheduled.body.id })).toMatchObject({
      ok: false,
      code: 'CALL.NOT_JOINABLE',
    });
    expect(await patient.request('join-call', { callId: crypto.randomUUID() })).toMatchObject({
      ok: false,
      code: 'CALL.NOT_FOUND',
    });
  });

  it('reaches a participant who joined over the socket when the call changes over REST', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const secondTab = await connect('patient');
    const callId = await ringingCall();
    // Every socket of the callee rings.
    await patient.next('incoming-call', (call) => call['callId'] === callId);
    await secondTab.next('incoming-call', (call) => call['callId'] === callId);
    await provider.request('join-call', { callId });
    expect((await api.as('provider', 'POST', `/webrtc/calls/${callId}/cancel`)).status).toBe(200);
    for (const client of [provider, patient, secondTab]) {
      expect(await client.next('call-cancelled')).toMatchObject({
        callId,
        cancelledBy: DEMO.provider.id,
      });
    }
    // The cancelled call's room is gone.
    expect(await provider.request('update-media', { callId, audio: false })).toMatchObject({
      ok: false,
      code: 'SIGNAL.NOT_IN_CALL',
    });

    const declined = await ringingCall();
    await api.as('patient', 'POST', `/webrtc/calls/${declined}/decline`, { body: {} });
    expect(await provider.next('call-ended', (call) => call['callId'] === declined)).toMatchObject({
      status: 'DECLINED',
      endedBy: DEMO.patient.id,
    });

    const ended = await joinedCall(provider, patient);
    await api.as('patient', 'POST', `/webrtc/calls/${ended}/end`, { body: { reason: 'done' } });
    expect(await provider.next('call-ended', (call) => call['callId'] === ended)).toMatchObject({
      status: 'ENDED',
      endedBy: DEMO.patient.id,
    });
  });

  it('keeps one quality sample per reporting interval on average and refuses a flood', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const callId = await joinedCall(provider, patient);
    const link = { callId, ...GOOD_LINK, connectionState: 'connected' };
    // The budget (five in five intervals) takes a quick run of reports; the next is refused.
    for (let sample = 0; sample < 5; sample++) {
      expect(await patient.request('connection-quality', link)).toMatchObject({ ok: true });
    }
    const beforeFlood = await api.ledgerEventCount();
    expect(await patient.request('connection-quality', link)).toMatchObject({
      ok: false,
      code: 'SIGNAL.RATE_LIMITED',
    });
    expect(await api.ledgerEventCount()).toBe(beforeFlood);
    // Someone else's reports are theirs to budget.
    expect(await provider.request('connection-quality', link)).toMatchObject({
      ok: true,
      connected: true,
    });
  });

  it('asks a participant who stopped reporting for a quality report', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const callId = await joinedCall(provider, patient);
    // QUALITY_REPORT_INTERVAL_SECONDS=1: silent for 3 intervals, they are asked.
    await patient.request('connection-quality', { callId, ...GOOD_LINK });
    expect(
      await patient.next('request-quality-stats', (ask) => ask['callId'] === callId, 6_000),
    ).toEqual({ callId, intervalSeconds: 1 });
    expect(
      await provider.next('request-quality-stats', (ask) => ask['callId'] === callId, 6_000),
    ).toEqual({ callId, intervalSeconds: 1 });
  });
});
