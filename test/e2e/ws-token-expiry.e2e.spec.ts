import { SignalingClient } from '../support/socket-client.js';
import { DEMO, TestServer, type DemoUser } from '../support/test-server.js';

// Long enough for a call to be set up on a busy machine, short enough to wait for.
const TTL_SECONDS = 12;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sockets follow the token', () => {
  let api: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    api = await TestServer.start({ JWT_TTL_SECONDS: String(TTL_SECONDS) });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await api.stop();
  });

  /** A fresh login (each one a new token with its own expiry). */
  async function login(user: DemoUser): Promise<{ token: string; expiresAt: number }> {
    const response = await api.request<{ accessToken: string }>('POST', '/auth/login', {
      body: { email: DEMO[user].email, password: 'demo' },
    });
    expect(response.status).toBe(200);
    const token = response.body.accessToken;
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    return { token, expiresAt: exp * 1000 };
  }

  async function connect(token: string) {
    const client = await SignalingClient.connect(api.server.url, token);
    clients.push(client);
    return client;
  }

  function disconnectReason(client: SignalingClient): Promise<string> {
    return new Promise((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
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

  it('disconnects a socket whose token expires mid-call after auth-expired, and keeps one refreshed in time', async () => {
    const providerLogin = await login('provider');
    const patientLogin = await login('patient');
    const provider = await connect(providerLogin.token);
    const patient = await connect(patientLogin.token);
    const providerGone = disconnectReason(provider);
    const callId = await joinedCall(provider, patient);

    // Well before its token runs out the patient refreshes; the provider does not.
    await sleep(Math.max(0, patientLogin.expiresAt - TTL_SECONDS * 1000 + 3000 - Date.now()));
    const fresher = await login('patient');
    expect(fresher.expiresAt).toBeGreaterThanOrEqual(patientLogin.expiresAt + 3000);
    expect(await patient.request('refresh-token', { token: fresher.token })).toEqual({
      ok: true,
      expiresAt: new Date(fresher.expiresAt).toISOString(),
    });

    expect(await provider.next('auth-expired', () => true, TTL_SECONDS * 1000 + 2000)).toEqual({
      code: 'AUTH.TOKEN_EXPIRED',
      message: expect.any(String),
    });
    expect(await providerGone).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(providerLogin.expiresAt);

    // The call records the provider as dropped; the patient is still there and hears it.
    expect(await patient.next('participant-disconnected')).toMatchObject({
      callId,
      userId: DEMO.provider.id,
    });
    // Past the patient's first token, before its second.
    await sleep(Math.max(0, patientLogin.expiresAt - Date.now() + 300));
    expect(Date.now()).toBeLessThan(fresher.expiresAt);
    expect(patient.socket.connected).toBe(true);
    expect(patient.all('auth-expired')).toEqual([]);
    expect(await patient.request('update-media', { callId, video: false })).toMatchObject({
      ok: true,
    });
    const types = (await api.ledgerEvents(`call-${callId}`)).map((event) => event.type);
    expect(types.filter((type) => type === 'ParticipantDisconnected')).toHaveLength(1);

    // The refreshed token runs out in its turn.
    expect(await patient.next('auth-expired', () => true, TTL_SECONDS * 1000 + 2000)).toEqual({
      code: 'AUTH.TOKEN_EXPIRED',
      message: expect.any(String),
    });
    expect(Date.now()).toBeGreaterThanOrEqual(fresher.expiresAt);
  }, 90_000);

  it('refuses another user’s token, an invalid one and a bad payload, and the old expiry stands', async () => {
    const own = await login('patient');
    const patient = await connect(own.token);
    const gone = disconnectReason(patient);
    const other = await login('patient2');

    expect(await patient.request('refresh-token', { token: other.token })).toMatchObject({
      ok: false,
      code: 'AUTH.TOKEN_MISMATCH',
    });
    const providerToken = (await login('provider')).token;
    expect(await patient.request('refresh-token', { token: providerToken })).toMatchObject({
      ok: false,
      code: 'AUTH.TOKEN_MISMATCH',
    });
    expect(await patient.request('refresh-token', { token: 'not.a.token' })).toMatchObject({
      ok: false,
      code: 'AUTH.TOKEN_INVALID',
    });
    const forged = `${own.token.slice(0, -4)}AAAA`;
    expect(await patient.request('refresh-token', { token: forged })).toMatchObject({
      ok: false,
      code: 'AUTH.TOKEN_INVALID',
    });
    expect(await patient.request('refresh-token', { token: 42 })).toMatchObject({
      ok: false,
      code: 'SIGNAL.INVALID_PAYLOAD',
    });
    expect(await patient.request('refresh-token', { token: own.token, extra: 1 })).toMatchObject({
      ok: false,
      code: 'SIGNAL.INVALID_PAYLOAD',
    });
    expect(await patient.request('refresh-token', { token: 'x'.repeat(9 * 1024) })).toMatchObject({
      ok: false,
      code: 'SIGNAL.PAYLOAD_TOO_LARGE',
    });
    // Without an ack the refusal comes as an error event.
    patient.send('refresh-token', { token: other.token });
    expect(await patient.next('error')).toMatchObject({
      event: 'refresh-token',
      code: 'AUTH.TOKEN_MISMATCH',
    });

    expect(await patient.next('auth-expired', () => true, TTL_SECONDS * 1000 + 2000)).toMatchObject(
      { code: 'AUTH.TOKEN_EXPIRED' },
    );
    expect(await gone).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(own.expiresAt);
    expect(Date.now()).toBeLessThan(own.expiresAt + 3000);
  }, 60_000);
});
