/** How presence leases are kept (validated configuration, see app-config.ts). */
export interface PresenceSettings {
  /** How long a lease lasts unless renewed: an instance silent this long is taken for gone. */
  readonly leaseSeconds: number;
  /** How often an instance renews its leases, and sweeps for expired ones. */
  readonly renewSeconds: number;
}
