import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import {
  canonicalJson,
  chainHash,
  computeContentHash,
  verifyStreamIntegrity,
} from '../../src/application/ledger/event-integrity.js';

// The hash chain is a published contract: auditors recompute it with their own tools. These
// vectors were computed independently (Python: json.dumps(sort_keys=True, separators=(',', ':'),
// ensure_ascii=False), hashlib.sha256), so a change to the definition fails here.
const EVENT = {
  eventId: '6f1c2a4e-8a0b-4b8e-9a43-1d2e3f405162',
  streamId: 'call-42',
  type: 'CallInitiated',
  version: 1,
  data: {
    callId: '42',
    callType: 'VIDEO',
    note: 'Grüße',
    participants: [
      { userId: 'u-1', role: 'provider' },
      { userId: 'u-2', role: 'patient' },
    ],
    ringSeconds: 60,
  },
  metadata: {
    actor: { userId: 'u-1', role: 'provider' as const },
    occurredAt: '2026-01-02T03:04:05.678Z',
    correlationId: 'corr-1',
    causationId: null,
    origin: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
  },
};
const CONTENT_HASH = '0a8719165f496116a8505dbac98e02b2595754199fb09ccf44ba26686198318c';
const HASH_AT_0 = '8dd56ff5429e1740e9685cc8ba357a4e2224946f2f6e6d5231abf53becaa5781';
const HASH_AT_1 = '1553c015beccb862554b551957162aa60eff28a77b770c664794cf27184e242a';

function recorded(revision: number, previousHash: string | null, hash: string): RecordedEvent {
  return {
    ...EVENT,
    revision,
    position: String(revision + 1),
    metadata: { ...EVENT.metadata, hash, previousHash },
  };
}

describe('canonical JSON (RFC 8785)', () => {
  it('serialises the RFC example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units', () => {
    const input = {
      '\u20ac': 1,
      '\r': 2,
      '\ufb33': 3,
      '1': 4,
      '\ud83d\ude00': 5,
      '\u0080': 6,
      '\u00f6': 7,
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}',
    );
  });

  it('leaves out undefined members as JSON does, and refuses what JSON cannot carry', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ s: '\ud800' })).toThrow(TypeError);
  });
});

describe('ledger hash chain', () => {
  it('matches independently computed hashes', () => {
    expect(computeContentHash(EVENT)).toBe(CONTENT_HASH);
    expect(chainHash(null, CONTENT_HASH)).toBe(HASH_AT_0);
    expect(chainHash(HASH_AT_0, CONTENT_HASH)).toBe(HASH_AT_1);
  });

  it('ignores the chain links themselves and the key order of the content', () => {
    const reordered = {
      ...EVENT,
      data: Object.fromEntries(Object.entries(EVENT.data).reverse()),
      metadata: { ...EVENT.metadata, hash: 'x', previousHash: 'y' },
    };
    expect(computeContentHash(reordered)).toBe(CONTENT_HASH);
  });

  it('verifies an intact stream and reports where one breaks', () => {
    const intact = [recorded(0, null, HASH_AT_0), recorded(1, HASH_AT_0, HASH_AT_1)];
    expect(verifyStreamIntegrity(intact)).toEqual({
      verified: true,
      checkedEvents: 2,
      brokenAt: null,
    });
    expect(verifyStreamIntegrity([])).toEqual({ verified: true, checkedEvents: 0, brokenAt: null });

    const altered = [intact[0]!, { ...intact[1]!, data: { ...EVENT.data, ringSeconds: 61 } }];
    expect(verifyStreamIntegrity(altered)).toMatchObject({ verified: false, brokenAt: 1 });

    const relinked = [intact[0]!, recorded(1, 'f'.repeat(64), HASH_AT_1)];
    expect(verifyStreamIntegrity(relinked)).toMatchObject({ verified: false, brokenAt: 1 });

    expect(verifyStreamIntegrity([intact[1]!])).toMatchObject({ verified: false, brokenAt: 0 });
  });
});
