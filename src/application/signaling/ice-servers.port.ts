export const ICE_SETTINGS = Symbol('ICE_SETTINGS');
export const TURN_CREDENTIALS = Symbol('TURN_CREDENTIALS');
export const LIVE_CALL_FINDER = Symbol('LIVE_CALL_FINDER');

/** STUN_URLS, TURN_URLS, TURN_SECRET, TURN_TTL_SECONDS, ICE_TRANSPORT_POLICY, as configured. */
export interface IceSettings {
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  readonly turnSecret: string | null;
  readonly turnTtlSeconds: number;
  readonly transportPolicy: 'all' | 'relay';
}

export interface TurnCredential {
  readonly username: string;
  readonly credential: string;
}

/** Time-limited TURN REST credentials (the coturn `use-auth-secret` scheme). */
export interface TurnCredentialIssuer {
  issue(userId: string): TurnCredential;
}

/** Whether a user takes part in a RINGING or IN_PROGRESS call (from the calls read model). */
export interface LiveCallFinder {
  hasLiveCall(userId: string): Promise<boolean>;
}
