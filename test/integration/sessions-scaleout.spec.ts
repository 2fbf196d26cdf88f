import { SignalingClient } from '../support/socket-client.js';
import { startInstancePair, type InstancePair } from '../support/socket-cluster.js';
import { DEMO } from '../support/test-server.js';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;

withRedis(
  `sessions on two instances sharing Redis${REDIS_URL ? '' : ' (skipped: REDIS_URL is not set)'}`,
  () => {
    let pair: InstancePair;

    beforeAll(async () => {
      pair = await startInstancePair(REDIS_URL ?? '', { LOGIN_ATTEMPTS_PER_MINUTE: '100' });
    });
    afterAll(async () => {
      await pair.stop();
    });

    async function login(on: 'a' | 'b', email: string): Promise<string> {
      const response = await pair[on].request<{ accessToken: string }>('POST', '/auth/login', {
        body: { email, password: 'demo' },
      });
      expect(response.status).toBe(200);
      return response.body.accessToken;
    }

    it('a logout on one instance is refused on the other at once', async () => {
      const token = await login('a', DEMO.provider.email);
      expect((await pair.b.request('GET', '/auth/me', { token })).status).toBe(200);
      expect((await pair.a.request('POST', '/auth/logout', { token })).status).toBe(204);
      const refused = await pair.b.request('GET', '/auth/me', { token });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
    });

    it("a logout on one instance ends that session's sockets on the other, and no other session's", async () => {
      const token = await login('a', DEMO.provider2.email);
      const other = await login('b', DEMO.provider2.email);
      const socket = await SignalingClient.connect(pair.b.server.url, token);
      const kept = await SignalingClient.connect(pair.a.server.url, other);
      try {
        const disconnected = new Promise<string>((resolve) =>
          socket.socket.once('disconnect', (reason) => resolve(reason)),
        );
        expect((await pair.a.request('POST', '/auth/logout', { token })).status).toBe(204);
        expect(await socket.next('session-ended')).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
        expect(await disconnected).toBe('io server disconnect');
        expect(await kept.quietFor(500, 'session-ended')).toEqual([]);
        expect(kept.socket.connected).toBe(true);
      } finally {
        socket.close();
        kept.close();
      }
    });

    it("deactivating on one instance ends the user's sockets on the other", async () => {
      const token = await login('b', DEMO.patient.email);
      const socket = await SignalingClient.connect(pair.b.server.url, token);
      const disconnected = new Promise<string>((resolve) =>
        socket.socket.once('disconnect', (reason) => resolve(reason)),
      );
      const deactivated = await pair.a.as(
        'admin',
        'POST',
        `/admin/users/${DEMO.patient.id}/deactivate`,
      );
      expect(deactivated.status).toBe(200);
      expect(await socket.next('session-ended')).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
      expect(await disconnected).toBe('io server disconnect');
      const refused = await pair.b.request('GET', '/auth/me', { token });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
      await expect(SignalingClient.connect(pair.b.server.url, token)).rejects.toMatchObject({
        data: { code: 'AUTH.SESSION_ENDED' },
      });
    });
  },
);
