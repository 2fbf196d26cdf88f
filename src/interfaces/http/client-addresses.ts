import { BlockList, isIP } from 'node:net';
import type { TrustProxySetting } from '../../infrastructure/config/trust-proxy-config.js';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:192.0.2.1` is 192.0.2.1: a dual-stack socket reports IPv4 peers that way. */
function plain(address: string): string {
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}

/**
 * Who the client is, behind the proxies TRUST_PROXY names. The addresses are read nearest first:
 * the socket's peer, then X-Forwarded-For from right to left; the first one not trusted is the
 * client (as Express's `trust proxy` does, which is given `trusts`). A forwarded address from an
 * untrusted peer is never believed, so nobody can pose as someone else by sending the header.
 */
export class ClientAddresses {
  private readonly networks: BlockList | null;

  constructor(private readonly setting: TrustProxySetting) {
    this.networks = null;
    if (setting.kind === 'networks') {
      const list = new BlockList();
      for (const { address, prefix, family } of setting.networks) {
        list.addSubnet(address, prefix, family);
      }
      this.networks = list;
    }
  }

  /** Whether the address `hop` steps from us (0: the socket's peer) may forward for others. */
  trusts(address: string, hop: number): boolean {
    switch (this.setting.kind) {
      case 'none':
        return false;
      case 'hops':
        return hop < this.setting.hops;
      case 'networks': {
        const candidate = plain(address.trim());
        const version = isIP(candidate);
        if (version === 0 || this.networks === null) return false;
        return this.networks.check(candidate, version === 4 ? 'ipv4' : 'ipv6');
      }
    }
  }

  /** The client's address, from the socket's peer and the X-Forwarded-For it sent. */
  of(peer: string | undefined, forwardedFor: string | string[] | undefined): string | undefined {
    if (peer === undefined) return undefined;
    const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .reverse();
    const chain = [peer, ...forwarded];
    let hop = 0;
    while (hop < chain.length - 1 && this.trusts(chain[hop] ?? '', hop)) hop += 1;
    return chain[hop];
  }
}
