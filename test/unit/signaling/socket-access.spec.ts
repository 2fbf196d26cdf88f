import { randomUUID } from 'node:crypto';
import type { SessionStatus } from '../../../src/application/ports/session-status.port.js';
import type { UserRole } from '../../../src/domain/shared/actor.js';
import { JoseTokenIssuer } from '../../../src/infrastructure/auth/jose-token-issuer.adapter.js';
import { SocketAccess } from '../../../src/interfaces/ws/socket-access.js';
import { DEMO, TEST_JWT_SECRET } from '../../support/test-server.js';

/** Sessions kept in a set: the port's whole contract, without a database. */
class SessionSet implements SessionStatus {
  private readonly active = new Set<string>();
  open(sessionId: string, userId: string): void {
    this.active.add(`${userId}/${sessionId}`);
  }
  end(sessionId: string, userId: string): void {
    this.active.delete(`${userId}/${sessionId}`);
  }
  async isActive(sessionId: string, userId: string): Promise<boolean> {
    return this.active.has(`${userId}/${sessionId}`);
  }
}

describe('who may hold a signaling socket', () => {
  const tokens = new JoseTokenIssuer({
    secret: new TextEncoder().encode(TEST_JWT_SECRET),
    ttlSeconds: 600,
    identityProvider: null,
  });
  const sessions = new SessionSet();
  const access = new SocketAccess(tokens, sessions);
  const patient = { userId: DEMO.patient.id, role: 'patient' as const };

  /** A token of `sessionId`, or of a new active session when null. */
  async function token(userId: string, role: UserRole, sessionId: string | null) {
    const session = sessionId ?? randomUUID();
    if (sessionId === null) sessions.open(session, userId);
    return (await tokens.issue({ userId, role, sessionId: session })).accessToken;
  }

  it('admits a token of an active session, and refuses one whose session ended', async () => {
    const sessionId = randomUUID();
    sessions.open(sessionId, patient.userId);
    const admitted = await access.admit(await token(patient.userId, 'patient', sessionId));
    expect(admitted).toMatchObject({ ...patient, sessionId });
    expect(admitted.expiresAt.getTime()).toBeGreaterThan(Date.now());
    await expect(access.admit(await token(patient.userId, 'patient', null))).resolves.toMatchObject(
      { userId: patient.userId },
    );

    sessions.end(sessionId, patient.userId);
    await expect(
      access.admit(await token(patient.userId, 'patient', sessionId)),
    ).rejects.toMatchObject({ code: 'AUTH.SESSION_ENDED' });
    // A session id of another user is no session of this one.
    const theirs = randomUUID();
    sessions.open(theirs, DEMO.patient2.id);
    await expect(
      access.admit(await token(patient.userId, 'patient', theirs)),
    ).rejects.toMatchObject({ code: 'AUTH.SESSION_ENDED' });
  });

  it('refuses roles that take no part in calls, and tokens it cannot verify', async () => {
    await expect(access.admit(await token(DEMO.auditor.id, 'auditor', null))).rejects.toMatchObject(
      { code: 'AUTH.ROLE_FORBIDDEN' },
    );
    await expect(access.admit('a.b.c')).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('renews with the same user’s token of another active session, never another user’s', async () => {
    const other = randomUUID();
    sessions.open(other, patient.userId);
    await expect(
      access.renew(patient, await token(patient.userId, 'patient', other)),
    ).resolves.toMatchObject({ sessionId: other });

    sessions.end(other, patient.userId);
    await expect(
      access.renew(patient, await token(patient.userId, 'patient', other)),
    ).rejects.toMatchObject({ code: 'AUTH.SESSION_ENDED' });
    await expect(
      access.renew(patient, await token(DEMO.patient2.id, 'patient', null)),
    ).rejects.toMatchObject({ code: 'AUTH.TOKEN_MISMATCH' });
    await expect(
      access.renew(patient, await token(patient.userId, 'provider', null)),
    ).rejects.toMatchObject({ code: 'AUTH.TOKEN_MISMATCH' });
  });
});
