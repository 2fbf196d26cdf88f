import pg from 'pg';
import type {
  NotificationEvent,
  SignalingEmitter,
} from '../../src/application/signaling/signaling-emitter.port.js';
import { WebRtcGateway } from '../../src/interfaces/ws/webrtc.gateway.js';
import { SOCKET_NOTIFICATIONS_PROJECTION } from '../../src/projections/socket-notifications.projection.js';
import { eventually, SignalingClient } from '../support/socket-client.js';
import { DEMO, TestServer } from '../support/test-server.js';

/**
 * The gateway, failing the next `failures` emissions of `event` as a socket layer that is briefly
 * unable to send would: the notifier must try again, and then again from its checkpoint.
 */
function failingFor(
  gateway: SignalingEmitter,
  event: NotificationEvent,
  failures: number,
): SignalingEmitter & { readonly failed: () => number } {
  let failed = 0;
  return {
    emit(target, name, payload) {
      if (name === event && failed < failures) {
        failed++;
        throw new Error('could not send');
      }
      gateway.emit(target, name, payload);
    },
    leaveCall: (callId, userId, revision) => gateway.leaveCall(callId, userId, revision),
    failed: () => failed,
  };
}

describe('socket notifications: at least once, from a checkpoint', () => {
  let api: TestServer;
  let gateway: WebRtcGateway;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    api = await TestServer.start();
    gateway = api.server.app.get(WebRtcGateway);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    // Back to the server's own notifier, whatever a test left running.
    await api.server.runtime.notifier.stop();
    await api.server.runtime.notifier.start(gateway);
  });
  afterAll(async () => {
    await api.stop();
  });

  async function connect(user: 'provider' | 'patient'): Promise<SignalingClient> {
    const client = await SignalingClient.as(api, user);
    clients.push(client);
    return client;
  }

  async function ring(): Promise<string> {
    const response = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO', recordingEnabled: false },
    });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function restartNotifier(emitter: SignalingEmitter): Promise<void> {
    await api.server.runtime.notifier.stop();
    await api.server.runtime.notifier.start(emitter);
  }

  /** The ledger id of the call's event of this type. */
  async function eventIdOf(callId: string, type: string): Promise<string> {
    const events = await api.server.runtime.eventStore.readStream(`call-${callId}`);
    const found = events.find((event) => event.type === type);
    if (!found) throw new Error(`no ${type} in call ${callId}`);
    return found.eventId;
  }

  async function checkpoint(): Promise<string | null> {
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ position: string | null }>(
        'SELECT position FROM projection_checkpoints WHERE name = $1',
        [SOCKET_NOTIFICATIONS_PROJECTION],
      );
      return rows[0]?.position ?? null;
    } finally {
      await client.end();
    }
  }

  it('carries the ledger event id in every notification', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    const callId = await ring();
    const forCall = (payload: Record<string, unknown>): boolean => payload['callId'] === callId;

    const incoming = await patient.next('incoming-call', forCall);
    expect(incoming['eventId']).toBe(await eventIdOf(callId, 'CallInitiated'));

    expect((await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
    const answered = await eventIdOf(callId, 'CallAnswered');
    expect((await provider.next('call-answered', forCall))['eventId']).toBe(answered);
    expect((await patient.next('call-answered', forCall))['eventId']).toBe(answered);

    // The join's ack is a snapshot, not news; the news of the join carries its event.
    const joined = await provider.request('join-call', { callId });
    expect(joined).toMatchObject({ ok: true, callId });
    expect(joined).not.toHaveProperty('eventId');
    const room = await provider.next('room-participants', forCall);
    expect(room['eventId']).toBe(await eventIdOf(callId, 'ParticipantJoined'));
  });

  /** The notifications of the call a client heard so far, by event name, in order. */
  function heard(client: SignalingClient, callId: string): string[] {
    return client.received
      .filter(({ payload }) => payload['callId'] === callId)
      .map(({ event }) => event);
  }

  async function heardUntil(client: SignalingClient, callId: string, last: string) {
    return eventually(
      () => heard(client, callId),
      (events) => events.includes(last),
      15_000,
    );
  }

  it('retries an event whose notification failed, then goes on: nothing skipped, nothing twice', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    // More failures than one round of attempts: the batch is given up once and taken again from
    // the checkpoint, as after a crash, before the notification finally goes out.
    const emitter = failingFor(gateway, 'call-answered', 7);
    await restartNotifier(emitter);
    const callId = await ring();
    expect((await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
    const ended = await api.as('provider', 'POST', `/webrtc/calls/${callId}/end`, {
      body: { reason: 'completed' },
    });
    expect(ended.status).toBe(200);

    expect(await heardUntil(patient, callId, 'call-ended')).toEqual([
      'incoming-call',
      'call-answered',
      'call-ended',
    ]);
    expect(await heardUntil(provider, callId, 'call-ended')).toEqual([
      'call-answered',
      'call-ended',
    ]);
    expect(emitter.failed()).toBe(7);
    const answered = await eventIdOf(callId, 'CallAnswered');
    for (const client of [provider, patient]) {
      expect(client.all('call-answered').map((news) => news['eventId'])).toEqual([answered]);
    }
    // Nothing more comes later either: what this process sent before the failure is not resent.
    await patient.quietFor(300, 'incoming-call');
    expect(heard(patient, callId)).toEqual(['incoming-call', 'call-answered', 'call-ended']);
  });

  it('notifies, after it starts again, what was appended while it was stopped', async () => {
    const provider = await connect('provider');
    const patient = await connect('patient');
    await api.server.runtime.notifier.stop();
    const stoppedAt = await checkpoint();
    expect(stoppedAt).not.toBeNull();

    const callId = await ring();
    expect((await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
    await patient.quietFor(500, 'incoming-call');
    expect(heard(patient, callId)).toEqual([]);
    expect(await checkpoint()).toBe(stoppedAt);

    // A new notifier, knowing nothing but its checkpoint.
    await api.server.runtime.notifier.start(gateway);
    expect(await heardUntil(patient, callId, 'call-answered')).toEqual([
      'incoming-call',
      'call-answered',
    ]);
    expect(await heardUntil(provider, callId, 'call-answered')).toEqual(['call-answered']);
    expect(patient.all('incoming-call')[0]?.['eventId']).toBe(
      await eventIdOf(callId, 'CallInitiated'),
    );
    expect(provider.all('call-answered')[0]?.['eventId']).toBe(
      await eventIdOf(callId, 'CallAnswered'),
    );
    const moved = await eventually(checkpoint, (position) => position !== stoppedAt);
    expect(
      api.server.runtime.eventStore.comparePositions(moved ?? '', stoppedAt ?? ''),
    ).toBeGreaterThan(0);
  });
});
