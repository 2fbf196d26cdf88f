import { DEMO, TestServer } from '../support/test-server.js';

interface Summary {
  id: string;
  status: string;
  patientName: string;
  duration: number | null;
}
interface HistoryBody {
  calls: Summary[];
  total: number;
  nextCursor: string | null;
}

describe('queries: history, details, recordings, read-your-writes', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start();
  });
  afterAll(async () => {
    await api.stop();
  });

  async function newCall(patient: 'patient' | 'patient2' = 'patient') {
    const response = await api.as<{ id: string; position: string }>(
      'provider',
      'POST',
      '/webrtc/calls',
      {
        body: { patientId: DEMO[patient].id, type: 'VIDEO' },
      },
    );
    return response.body;
  }

  it('reads its own writes with minPosition, and says when it could not', async () => {
    const call = await newCall();
    const answered = await api.as<{ position: string }>(
      'patient',
      'POST',
      `/webrtc/calls/${call.id}/answer`,
    );
    const details = await api.as<{ status: string; participants: unknown[] }>(
      'provider',
      'GET',
      `/webrtc/calls/${call.id}?minPosition=${answered.body.position}`,
    );
    expect(details.status).toBe(200);
    expect(details.headers.get('x-ledger-stale')).toBeNull();
    expect(details.body.status).toBe('IN_PROGRESS');
    expect(details.headers.get('etag')).toBe('"1"');
    expect(details.body.participants).toHaveLength(2);

    const unreachable = '9'.repeat(39);
    const stale = await api.as(
      'provider',
      'GET',
      `/webrtc/calls/${call.id}?minPosition=${unreachable}`,
    );
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-ledger-stale')).toBe('true');
  });

  it('shows each user only their own calls, newest first, filtered', async () => {
    const mine = await newCall('patient2');
    const ended = await newCall('patient2');
    await api.as('patient2', 'POST', `/webrtc/calls/${ended.id}/answer`);
    const end = await api.as<{ position: string }>(
      'provider',
      'POST',
      `/webrtc/calls/${ended.id}/end`,
    );
    const history = await api.as<HistoryBody>(
      'patient2',
      'GET',
      `/webrtc/calls?minPosition=${end.body.position}`,
    );
    expect(history.body.calls.map((call) => call.id)).toEqual([ended.id, mine.id]);
    expect(history.body.total).toBe(2);
    expect(history.body.calls[0]).toMatchObject({ status: 'ENDED', patientName: 'Quinn Patient' });
    const onlyEnded = await api.as<HistoryBody>(
      'patient2',
      'GET',
      '/webrtc/calls?status=ENDED,MISSED',
    );
    expect(onlyEnded.body.calls.map((call) => call.id)).toEqual([ended.id]);
    const future = await api.as<HistoryBody>(
      'patient2',
      'GET',
      '/webrtc/calls?from=2999-01-01T00:00:00Z',
    );
    expect(future.body).toEqual({ calls: [], total: 0, nextCursor: null });
    const other = await api.as<HistoryBody>('patient', 'GET', '/webrtc/calls?limit=100');
    expect(other.body.calls.map((call) => call.id)).not.toContain(mine.id);
  });

  it('pages without duplicates or gaps while new calls keep arriving', async () => {
    const initial = new Set<string>();
    let last = '';
    for (let i = 0; i < 25; i++) {
      const call = await newCall();
      initial.add(call.id);
      last = call.position;
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let arriving = Promise.resolve();
    for (let page = 0; page < 50; page++) {
      const query: string = `limit=7&minPosition=${last}${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await api.as<HistoryBody>('provider', 'GET', `/webrtc/calls?${query}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.calls.map((call) => call.id));
      // A new call arrives between every two pages.
      arriving = arriving.then(() => newCall().then(() => undefined));
      await arriving;
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of initial) expect(seen).toContain(id);
  });

  it('audits an auditor reading call details, and keeps details from analysts and strangers', async () => {
    const call = await newCall();
    const read = await api.as<{ id: string }>(
      'auditor',
      'GET',
      `/webrtc/calls/${call.id}?minPosition=${call.position}`,
    );
    expect(read.status).toBe(200);
    const access = await api.server.runtime.eventStore.readStream(`access-${call.id}`);
    expect(access.map((event) => event.type)).toEqual(['CallDetailsRead']);
    const log = await api.as<{
      entries: Array<{ action: string; actorId: string; actorRole: string; outcome: string }>;
    }>('auditor', 'GET', `/audit/events?callId=${call.id}&minPosition=${access[0]!.position}`);
    expect(log.body.entries.map((entry) => entry.action)).toEqual([
      'CallInitiated',
      'CallDetailsRead',
    ]);
    expect(log.body.entries[1]).toMatchObject({
      actorId: DEMO.auditor.id,
      actorRole: 'auditor',
      outcome: 'granted',
    });

    expect((await api.as('analyst', 'GET', `/webrtc/calls/${call.id}`)).status).toBe(403);
    const stranger = await api.as('patient2', 'GET', `/webrtc/calls/${call.id}`);
    expect(stranger.status).toBe(404);
    expect((await api.as('analyst', 'GET', '/webrtc/calls')).status).toBe(403);
  });

  it('lists a call’s recordings and one recording', async () => {
    const call = await newCall();
    await api.as('patient', 'POST', `/webrtc/calls/${call.id}/answer`);
    await api.as('provider', 'POST', `/webrtc/calls/${call.id}/consent`, {
      body: { consented: true },
    });
    await api.as('patient', 'POST', `/webrtc/calls/${call.id}/consent`, {
      body: { consented: true },
    });
    const recording = await api.as<{ id: string; position: string }>(
      'provider',
      'POST',
      `/webrtc/calls/${call.id}/record`,
    );
    const list = await api.as<{
      recordings: Array<{ id: string; status: string }>;
      nextCursor: null;
    }>(
      'patient',
      'GET',
      `/webrtc/calls/${call.id}/recordings?minPosition=${recording.body.position}`,
    );
    expect(list.body).toEqual({
      recordings: [expect.objectContaining({ id: recording.body.id, status: 'RECORDING' })],
      nextCursor: null,
    });
    const one = await api.as(
      'patient',
      'GET',
      `/webrtc/calls/${call.id}/recordings/${recording.body.id}`,
    );
    expect(one.body).toMatchObject({
      id: recording.body.id,
      consentedParticipants: expect.arrayContaining([DEMO.patient.id]),
    });
    const unknown = await api.as(
      'patient',
      'GET',
      `/webrtc/calls/${call.id}/recordings/9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4`,
    );
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['a bad status', '/webrtc/calls?status=DONE'],
    ['a bad from', '/webrtc/calls?from=last-week'],
    ['limit 101', '/webrtc/calls?limit=101'],
    ['a forged cursor', '/webrtc/calls?cursor=bm9wZQ'],
    ['a bad minPosition', '/webrtc/calls?minPosition=abc'],
    ['an unknown parameter', '/webrtc/calls?sort=asc'],
    ['a bad call id', '/webrtc/calls/123'],
  ])('refuses %s with 400', async (_name, path) => {
    const before = await api.ledgerEventCount();
    const response = await api.as('provider', 'GET', path);
    expect(response.status).toBe(400);
    expect(await api.ledgerEventCount()).toBe(before);
  });
});
