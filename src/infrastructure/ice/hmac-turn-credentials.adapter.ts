import { createHmac } from 'node:crypto';
import type { Clock } from '../../application/ports/clock.port.js';
import type {
  TurnCredential,
  TurnCredentialIssuer,
} from '../../application/signaling/ice-servers.port.js';

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest, coturn `--use-auth-secret`):
 * username `<expiry unix seconds>:<userId>`, credential `base64(HMAC-SHA1(secret, username))`.
 * The TURN server recomputes the HMAC with the shared secret and refuses an expired username.
 */
export class HmacTurnCredentials implements TurnCredentialIssuer {
  constructor(
    private readonly secret: string | null,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  issue(userId: string): TurnCredential {
    if (this.secret === null) throw new Error('TURN_SECRET is not configured');
    const expiry = Math.floor(this.clock.now().getTime() / 1000) + this.ttlSeconds;
    const username = `${expiry}:${userId}`;
    const credential = createHmac('sha1', this.secret).update(username).digest('base64');
    return { username, credential };
  }
}
