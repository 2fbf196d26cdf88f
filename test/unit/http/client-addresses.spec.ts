import { loadConfig } from '../../../src/infrastructure/config/app-config.js';
import { ClientAddresses } from '../../../src/interfaces/http/client-addresses.js';

const behind = (trustProxy: string | undefined) =>
  new ClientAddresses(
    loadConfig(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }).trustProxy,
  );

describe('the client address behind trusted proxies', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(behind(undefined).of('192.0.2.10', '203.0.113.1')).toBe('192.0.2.10');
    expect(behind(undefined).of('::ffff:192.0.2.10', undefined)).toBe('::ffff:192.0.2.10');
  });

  it('walks back as many hops as TRUST_PROXY counts', () => {
    const twoHops = behind('2');
    // client, (spoofed by the client), proxy 2, proxy 1 (our peer)
    expect(twoHops.of('10.0.0.1', '198.51.100.66, 203.0.113.5, 10.0.0.2')).toBe('203.0.113.5');
    expect(twoHops.of('10.0.0.1', undefined)).toBe('10.0.0.1');
    expect(twoHops.of('10.0.0.1', '203.0.113.5')).toBe('203.0.113.5');
  });

  it('trusts only peers inside the CIDRs, IPv4-mapped addresses included', () => {
    const cidrs = behind('10.0.0.0/8, 2001:db8::/32');
    expect(cidrs.of('10.1.2.3', '203.0.113.5')).toBe('203.0.113.5');
    expect(cidrs.of('::ffff:10.1.2.3', '203.0.113.5')).toBe('203.0.113.5');
    expect(cidrs.of('2001:db8::7', '203.0.113.5')).toBe('203.0.113.5');
    expect(cidrs.of('192.0.2.10', '203.0.113.5')).toBe('192.0.2.10');
    // A chain of trusted proxies is walked through; the first untrusted address is the client.
    expect(cidrs.of('10.1.2.3', ['198.51.100.66, 203.0.113.5', '10.9.9.9'])).toBe('203.0.113.5');
    // Garbage in the header is never trusted as a proxy.
    expect(cidrs.of('10.1.2.3', 'not-an-ip, 10.2.2.2')).toBe('not-an-ip');
  });
});
