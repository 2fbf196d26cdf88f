/** A pagination cursor this server did not issue (or no longer understands). */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this server issued');
    this.name = 'InvalidCursorError';
  }
}
