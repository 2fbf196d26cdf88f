import { createHmac } from 'node:crypto';
import { SignalingClient } from '../support/socket-client.js';
import { TestIdentityProvider } from '../support/test-identity-provider.js';
import { DEMO, TestServer } from '../support/test-server.js';

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** A token forged by hand: any header, any claims, any signature. */
function forge(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  sign: (input: string) => string,
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${sign(input)}`;
}

describe('tokens of an identity provider (JWKS_URL)', () => {
  let idp: TestIdentityProvider;
  let api: TestServer;
  const provider = { sub: DEMO.provider.id, role: 'provider' };

  beforeAll(async () => {
    idp = await TestIdentityProvider.start();
    api = await TestServer.start({
      ...idp.env,
      JWT_ROLE_CLAIM: 'realm_access.role',
    });
  });
  afterAll(async () => {
    await api?.stop();
    await idp?.stop();
  });

  const me = (token: string) => api.request('GET', '/auth/me', { token });
  const claims = { sub: DEMO.provider.id, realm_access: { role: 'provider' } };

  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'accepts a good %s token on the HTTP API, the role read from the configured claim',
    async (algorithm) => {
      const response = await me(await idp.token(claims, { algorithm }));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: DEMO.provider.id, role: 'provider' });
    },
  );

  it('accepts a good token in the socket handshake', async () => {
    const client = await SignalingClient.connect(api.server.url, await idp.token(claims));
    expect(client.socket.connected).toBe(true);
    client.socket.close();
  });

  it('refuses a token of another issuer', async () => {
    const response = await me(await idp.token(claims, { issuer: 'https://evil.example.test' }));
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses a token for another audience', async () => {
    const response = await me(await idp.token(claims, { audience: 'some-other-api' }));
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses an expired token', async () => {
    const response = await me(await idp.token(claims, { expiresIn: -120 }));
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({
      code: 'AUTH.TOKEN_INVALID',
      message: 'The access token has expired',
    });
  });

  it('refuses a token that is not valid yet (nbf)', async () => {
    const response = await me(await idp.token(claims, { notBefore: 600, expiresIn: 900 }));
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = forge(
      { alg: 'none', typ: 'JWT' },
      { ...claims, iss: idp.issuer, aud: idp.audience, iat: now, exp: now + 300 },
      () => '',
    );
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses an HS256 token whose secret is the public key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const pem = await idp.publicKeyPem();
    const token = forge(
      { alg: 'HS256', typ: 'JWT', kid: idp.kidOf('RS256') },
      { ...claims, iss: idp.issuer, aud: idp.audience, iat: now, exp: now + 300 },
      (input) => createHmac('sha256', pem).update(input).digest('base64url'),
    );
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses the same bad tokens in the socket handshake', async () => {
    const expired = await idp.token(claims, { expiresIn: -120 });
    await expect(SignalingClient.connect(api.server.url, expired)).rejects.toMatchObject({
      data: { code: 'AUTH.TOKEN_INVALID' },
    });
    const wrongIssuer = await idp.token(claims, { issuer: 'https://evil.example.test' });
    await expect(SignalingClient.connect(api.server.url, wrongIssuer)).rejects.toMatchObject({
      data: { code: 'AUTH.TOKEN_INVALID' },
    });
  });

  it('refuses a role that is not ours, or a role in the wrong claim', async () => {
    const unknownRole = await me(
      await idp.token({ sub: DEMO.provider.id, realm_access: { role: 'superuser' } }),
    );
    expect(unknownRole.status).toBe(401);
    expect(unknownRole.body).toMatchObject({ message: 'The access token names no valid role' });
    const topLevelRole = await me(await idp.token(provider));
    expect(topLevelRole.status).toBe(401);
  });

  it('takes the one known role out of a list of roles', async () => {
    const response = await me(
      await idp.token({
        sub: DEMO.provider.id,
        realm_access: { role: ['offline_access', 'provider'] },
      }),
    );
    expect(response.status).toBe(200);
  });

  it('refuses algorithms left out of JWT_ALGORITHMS', async () => {
    const pinned = await TestServer.start({ ...idp.env, JWT_ALGORITHMS: 'ES256' });
    try {
      const rs = await pinned.request('GET', '/auth/me', { token: await idp.token(provider) });
      expect(rs.status).toBe(401);
      const es = await pinned.request('GET', '/auth/me', {
        token: await idp.token(provider, { algorithm: 'ES256' }),
      });
      expect(es.status).toBe(200);
    } finally {
      await pinned.stop();
    }
  });
});
