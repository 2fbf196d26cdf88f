export const ICE_SERVER_SOURCES = Symbol('ICE_SERVER_SOURCES');

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

/** What the ICE server list is made from: the configuration, TURN credentials and live calls. */
export interface IceServerSources {
  readonly settings: IceSettings;
  readonly turnCredentials: TurnCredentialIssuer;
  readonly liveCalls: LiveCallFinder;
}
