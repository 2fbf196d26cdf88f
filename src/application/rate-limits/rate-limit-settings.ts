export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

export interface WindowLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The limits from configuration (app-config.ts), per address, per account and per user. */
export interface RateLimitSettings {
  readonly loginPerAddress: WindowLimit;
  readonly loginPerAccount: WindowLimit;
  readonly callsPerUser: WindowLimit;
  readonly mediaDownloadsPerUser: WindowLimit;
  readonly qualityReportsPerUser: WindowLimit;
}

/** What a user does often enough to be limited. */
export type UserAction = 'calls' | 'mediaDownloads' | 'qualityReports';
