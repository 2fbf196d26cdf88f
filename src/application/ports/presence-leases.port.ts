export const PRESENCE_LEASES = Symbol('PRESENCE_LEASES');

/** A participant of a call, connected through one socket of one instance. */
export interface PresenceHolder {
  readonly callId: string;
  readonly userId: string;
  readonly socketId: string;
}

/**
 * Who is connected to which call, through which instance, shared by every instance. The instance
 * holding a participant's socket keeps their lease alive; a lease nobody renewed in time says the
 * instance is gone (it died, or lost the database), and the sweep of any instance claims it so that
 * the participant is recorded as disconnected. Lease times are the database's, so instances whose
 * clocks disagree still agree on what has expired.
 */
export interface PresenceLeases {
  /** The participant's lease, held by this socket of `instanceId` (taken over from any other). */
  take(holder: PresenceHolder, instanceId: string, leaseSeconds: number): Promise<void>;
  /** Renews every lease `instanceId` holds; answers how many it renewed. */
  renew(instanceId: string, leaseSeconds: number): Promise<number>;
  /** Ends the lease, if this socket still holds it (a newer socket's lease stands). */
  release(holder: PresenceHolder): Promise<void>;
  /**
   * Up to `limit` leases that expired, claimed for `retrySeconds`: a claim that is not released
   * in that time (the disconnect could not be recorded) expires again and is claimed again.
   * Concurrent sweeps claim disjoint leases.
   */
  claimExpired(limit: number, retrySeconds: number): Promise<PresenceHolder[]>;
}
