import { createHash } from 'node:crypto';
import { eventLeafHash, streamHeadLeafHash } from '../../../src/application/ledger/ledger-leaf.js';

const CHAIN_HASH = 'a'.repeat(62) + '0f';

describe('ledger leaves', () => {
  it("an event's leaf is SHA-256(0x00 || the 32 bytes of its chain hash)", () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(CHAIN_HASH, 'hex')]))
      .digest();
    expect(eventLeafHash({ metadata: { hash: CHAIN_HASH } })).toEqual(expected);
  });

  it("a stream head's leaf is SHA-256(0x00 || canonical JSON of hash, revision and stream id)", () => {
    const json = `{"hash":"${CHAIN_HASH}","revision":7,"streamId":"call-\u00e9"}`;
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(json, 'utf8')]))
      .digest();
    expect(streamHeadLeafHash({ streamId: 'call-\u00e9', revision: 7, hash: CHAIN_HASH })).toEqual(
      expected,
    );
  });

  it('refuses chain hashes that are not 64 lowercase hex digits', () => {
    for (const hash of ['', 'A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64)]) {
      expect(() => eventLeafHash({ metadata: { hash } })).toThrow(TypeError);
      expect(() => streamHeadLeafHash({ streamId: 's', revision: 0, hash })).toThrow(TypeError);
    }
    expect(() => streamHeadLeafHash({ streamId: 's', revision: -1, hash: CHAIN_HASH })).toThrow(
      RangeError,
    );
  });
});
