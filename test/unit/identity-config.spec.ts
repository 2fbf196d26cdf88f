import { loadConfig } from '../../src/infrastructure/config/app-config.js';

const IDP = {
  JWKS_URL: 'https://idp.example.test/jwks.json',
  JWT_ISSUER: 'https://idp.example.test',
  JWT_AUDIENCE: 'vytalwatch-api',
};

describe('configuration of an identity provider (JWKS_URL)', () => {
  it('pins issuer, audience, the asymmetric algorithms and the role claim', () => {
    expect(loadConfig(IDP).auth.identityProvider).toEqual({
      jwksUrl: IDP.JWKS_URL,
      issuer: IDP.JWT_ISSUER,
      audience: IDP.JWT_AUDIENCE,
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      roleClaim: 'role',
    });
    expect(loadConfig({}).auth.identityProvider).toBeNull();
  });

  it('requires JWT_ISSUER and JWT_AUDIENCE, naming each one missing', () => {
    expect(() => loadConfig({ JWKS_URL: IDP.JWKS_URL })).toThrow(
      'JWT_ISSUER and JWT_AUDIENCE are required with JWKS_URL',
    );
    expect(() => loadConfig({ ...IDP, JWT_AUDIENCE: '' })).toThrow(
      'JWT_AUDIENCE is required with JWKS_URL',
    );
    expect(() => loadConfig({ ...IDP, JWT_ISSUER: undefined })).toThrow(
      'JWT_ISSUER is required with JWKS_URL',
    );
  });

  it('takes https: only, and http: on a loopback address', () => {
    expect(() => loadConfig({ ...IDP, JWKS_URL: 'http://idp.example.test/jwks.json' })).toThrow(
      'JWKS_URL must use https: (http: only on a loopback address)',
    );
    for (const loopback of [
      'http://127.0.0.1:8080/jwks',
      'http://[::1]:8080/jwks',
      'http://localhost/jwks',
    ]) {
      expect(loadConfig({ ...IDP, JWKS_URL: loopback }).auth.jwksUrl).toBe(loopback);
    }
    expect(() => loadConfig({ ...IDP, JWKS_URL: 'ftp://idp.example.test/jwks' })).toThrow(
      'JWKS_URL',
    );
  });

  it('takes a subset of the algorithms and refuses any other', () => {
    expect(
      loadConfig({ ...IDP, JWT_ALGORITHMS: 'ES256, EdDSA' }).auth.identityProvider?.algorithms,
    ).toEqual(['ES256', 'EdDSA']);
    expect(() => loadConfig({ ...IDP, JWT_ALGORITHMS: 'RS256,HS256' })).toThrow(
      'JWT_ALGORITHMS may list only RS256, ES256, EdDSA, got "HS256"',
    );
    expect(() => loadConfig({ ...IDP, JWT_ALGORITHMS: 'none' })).toThrow('JWT_ALGORITHMS');
  });

  it('takes a dotted path as the role claim', () => {
    expect(
      loadConfig({ ...IDP, JWT_ROLE_CLAIM: 'realm_access.role' }).auth.identityProvider?.roleClaim,
    ).toBe('realm_access.role');
    expect(() => loadConfig({ ...IDP, JWT_ROLE_CLAIM: 'a..b' })).toThrow('JWT_ROLE_CLAIM');
  });
});

describe('configuration of trusted proxies (TRUST_PROXY)', () => {
  it('trusts no proxy by default', () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toEqual({ kind: 'none' });
  });

  it('takes a hop count', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
  });

  it('takes addresses, CIDRs and the named ranges', () => {
    expect(
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,2001:db8::/32,loopback' }).trustProxy,
    ).toEqual({
      kind: 'networks',
      networks: [
        { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
        { address: '192.0.2.7', prefix: 32, family: 'ipv4' },
        { address: '2001:db8::', prefix: 32, family: 'ipv6' },
        { address: '127.0.0.1', prefix: 8, family: 'ipv4' },
        { address: '::1', prefix: 128, family: 'ipv6' },
      ],
    });
  });

  it('refuses anything else, naming TRUST_PROXY', () => {
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0/8', 'proxy.example.test', '::1/129']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow('TRUST_PROXY');
    }
  });
});
