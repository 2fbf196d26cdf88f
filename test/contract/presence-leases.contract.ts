import { randomUUID } from 'node:crypto';
import type {
  PresenceHolder,
  PresenceLeases,
} from '../../src/application/ports/presence-leases.port.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const holder = (socketId = `socket-${randomUUID()}`): PresenceHolder => ({
  callId: randomUUID(),
  userId: randomUUID(),
  socketId,
});

/** One contract for every PresenceLeases adapter; leases here last whole seconds. */
export function presenceLeasesContract(
  name: string,
  setup: () => Promise<{ leases: PresenceLeases; teardown: () => Promise<void> }>,
): void {
  describe(`PresenceLeases contract: ${name}`, () => {
    let leases: PresenceLeases;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ leases, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown();
    });
    /** What a sweep claims of `ours` (earlier tests' leases may expire meanwhile too). */
    const claimOf = async (ours: readonly PresenceHolder[], retrySeconds: number) => {
      const sockets = new Set(ours.map((lease) => lease.socketId));
      const claimed = await leases.claimExpired(100, retrySeconds);
      return claimed.filter((lease) => sockets.has(lease.socketId));
    };

    it('keeps a renewed lease alive past its length, and lets an unrenewed one expire', async () => {
      const renewed = holder();
      const forgotten = holder();
      const instance = `instance-${randomUUID()}`;
      await leases.take(renewed, instance, 1);
      await leases.take(forgotten, `instance-${randomUUID()}`, 1);
      for (let round = 0; round < 3; round++) {
        await pause(600);
        expect(await leases.renew(instance, 1)).toBe(1);
      }
      expect(await claimOf([renewed, forgotten], 60)).toEqual([forgotten]);
    });

    it('claims an expired lease once until its claim runs out, then again; a release ends it', async () => {
      const lost = holder();
      await leases.take(lost, `instance-${randomUUID()}`, 1);
      await pause(1100);
      expect(await claimOf([lost], 1)).toEqual([lost]);
      expect(await claimOf([lost], 1)).toEqual([]);
      await pause(1100);
      expect(await claimOf([lost], 1)).toEqual([lost]);
      await leases.release(lost);
      await pause(1100);
      expect(await claimOf([lost], 1)).toEqual([]);
    });

    it('hands a participant to their newest socket: the older one can neither renew nor release it', async () => {
      const older = holder();
      const newer = { ...older, socketId: `socket-${randomUUID()}` };
      const first = `instance-${randomUUID()}`;
      await leases.take(older, first, 1);
      await leases.take(newer, `instance-${randomUUID()}`, 1);
      expect(await leases.renew(first, 1)).toBe(0);
      await leases.release(older);
      await pause(1100);
      expect(await claimOf([older, newer], 60)).toEqual([newer]);
    });

    it('gives concurrent sweeps disjoint claims, together covering every expired lease', async () => {
      const lost = Array.from({ length: 30 }, () => holder());
      for (const lease of lost) await leases.take(lease, `instance-${randomUUID()}`, 1);
      await pause(1100);
      const claims = await Promise.all([1, 2, 3].map(() => leases.claimExpired(7, 60)));
      const again = await Promise.all([1, 2, 3].map(() => leases.claimExpired(30, 60)));
      const claimed = [...claims, ...again].flat().map((lease) => lease.socketId);
      expect(new Set(claimed).size).toBe(claimed.length);
      const ours = new Set(lost.map((lease) => lease.socketId));
      expect(claimed.filter((socket) => ours.has(socket)).sort()).toEqual([...ours].sort());
    });
  });
}
