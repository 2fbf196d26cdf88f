/** Where presence keeping reports trouble; messages and ids only, never user data. */
export interface PresenceLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}
