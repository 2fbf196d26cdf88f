import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

export interface TokenOptions {
  readonly algorithm?: SigningAlgorithm;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for a token already expired. */
  readonly expiresIn?: number;
  /** Seconds from now before which the token is not valid. */
  readonly notBefore?: number;
}

/**
 * An identity provider for tests: key pairs of every supported algorithm, their public halves
 * served as a JWKS over loopback HTTP, and tokens signed with them.
 */
export class TestIdentityProvider {
  readonly issuer = 'https://idp.example.test/realms/clinic';
  readonly audience = 'vytalwatch-api';

  private constructor(
    private readonly server: Server,
    private readonly keys: ReadonlyMap<SigningAlgorithm, SigningKey>,
  ) {}

  static async start(): Promise<TestIdentityProvider> {
    const keys = new Map<SigningAlgorithm, SigningKey>();
    for (const algorithm of ['RS256', 'ES256', 'EdDSA'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
      const kid = `test-${algorithm.toLowerCase()}`;
      const jwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
      keys.set(algorithm, { kid, privateKey, publicKey, jwk });
    }
    const body = JSON.stringify({ keys: [...keys.values()].map((key) => key.jwk) });
    const server = createServer((request, response) => {
      if (request.url !== '/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestIdentityProvider(server, keys);
  }

  get jwksUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/jwks.json`;
  }

  /** The environment of a server that trusts this provider. */
  get env(): Record<string, string> {
    return { JWKS_URL: this.jwksUrl, JWT_ISSUER: this.issuer, JWT_AUDIENCE: this.audience };
  }

  async token(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
    const key = this.key(options.algorithm ?? 'RS256');
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: options.algorithm ?? 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt = jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** The RSA public key as PEM: what an attacker would use as an HMAC secret. */
  async publicKeyPem(): Promise<string> {
    return exportSPKI(this.key('RS256').publicKey);
  }

  kidOf(algorithm: SigningAlgorithm): string {
    return this.key(algorithm).kid;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private key(algorithm: SigningAlgorithm): SigningKey {
    const key = this.keys.get(algorithm);
    if (!key) throw new Error(`no ${algorithm} key`);
    return key;
  }
}
