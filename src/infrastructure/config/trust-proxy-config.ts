import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';
import { integer, listEntries, text, type Env } from './env-values.js';

/** `none`: the socket's peer is the client; a hop count; or the addresses and CIDRs trusted. */
export type TrustProxySetting =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: number }
  | { readonly kind: 'networks'; readonly networks: readonly TrustedNetwork[] };

export interface TrustedNetwork {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

const TRUST_PROXY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function trustedNetwork(entry: string): TrustedNetwork {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (
    version === 0 ||
    rest.length > 0 ||
    (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) ||
    prefix > maxPrefix
  ) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be a hop count or comma-separated addresses/CIDRs (or loopback, linklocal, uniquelocal), got "${entry}"`,
    );
  }
  return { address, prefix, family };
}

/** Which peers may tell the client's address (X-Forwarded-For); none by default. */
export function trustProxy(env: Env): TrustProxySetting {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined || raw.toLowerCase() === 'false') return { kind: 'none' };
  if (/^\d+$/.test(raw)) {
    const hops = integer(env, 'TRUST_PROXY', 0, 0, 100);
    return hops === 0 ? { kind: 'none' } : { kind: 'hops', hops };
  }
  const networks = listEntries(raw)
    .flatMap((entry) => TRUST_PROXY_KEYWORDS[entry.toLowerCase()] ?? [entry])
    .map(trustedNetwork);
  return { kind: 'networks', networks };
}
