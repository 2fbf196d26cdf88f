import {
  refreshDelayMs,
  retryDelayMs,
  tokenExpiresAtMs,
} from '../../../web/src/session/refresh-schedule.js';

const NOW = 1_800_000_000_000;

function base64url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const MINUTE = 60_000;

describe('web client: silent token refresh', () => {
  it('renews a minute before expiry, and a third of what is left for a short token', () => {
    expect(refreshDelayMs(NOW + 15 * MINUTE, NOW)).toBe(14 * MINUTE);
    expect(refreshDelayMs(NOW + 3 * MINUTE, NOW)).toBe(2 * MINUTE);
    expect(refreshDelayMs(NOW + 9_000, NOW)).toBe(6_000);
    expect(refreshDelayMs(NOW + 90_000, NOW)).toBe(60_000);
  });

  it('renews at once a token that has run out or is about to', () => {
    expect(refreshDelayMs(NOW, NOW)).toBe(0);
    expect(refreshDelayMs(NOW - 5_000, NOW)).toBe(0);
    expect(refreshDelayMs(NOW + 300, NOW)).toBe(200);
  });

  it('retries a failed refresh within the token’s life, and gives up when it is over', () => {
    expect(retryDelayMs(NOW + 10 * MINUTE, NOW)).toBe(5_000);
    expect(retryDelayMs(NOW + 6_000, NOW)).toBe(3_000);
    expect(retryDelayMs(NOW + 1_000, NOW)).toBeNull();
    expect(retryDelayMs(NOW - 1, NOW)).toBeNull();
  });

  it('reads a token’s expiry (base64url, unpadded), and 0 from anything else', () => {
    // '???' encodes to "Pz8/": the '/' must come as '_' in base64url.
    const payload = base64url(JSON.stringify({ sub: '???>>>', exp: 1_800_000_900 }));
    expect(payload).toMatch(/_/);
    expect(tokenExpiresAtMs(`e30.${payload}.sig`)).toBe(1_800_000_900_000);
    expect(tokenExpiresAtMs('not-a-token')).toBe(0);
    expect(tokenExpiresAtMs(`e30.${base64url('{"exp":"soon"}')}.x`)).toBe(0);
  });
});
