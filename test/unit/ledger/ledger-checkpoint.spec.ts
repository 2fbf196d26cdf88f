import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  formatCheckpoint,
  LedgerCheckpoint,
  MalformedCheckpointError,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from '../../../src/application/ledger/ledger-checkpoint.js';
import {
  formatVerifierKey,
  generateSigningKey,
  SignedNoteError,
} from '../../../src/application/ledger/signed-note.js';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

const EXAMPLE: LedgerCheckpoint = {
  origin: 'vytalwatch-call-ledger',
  treeSize: 20852163,
  rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
  headsCount: 1201,
  headsRoot: sha256('heads'),
};

describe('ledger checkpoints', () => {
  it('are a tlog-checkpoint body with the heads as an extension line', () => {
    expect(formatCheckpoint(EXAMPLE)).toBe(
      'vytalwatch-call-ledger\n' +
        '20852163\n' +
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n' +
        `heads 1201 ${sha256('heads').toString('base64')}\n`,
    );
  });

  it('parse what they format', () => {
    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(
        fc.record({
          origin: fc.stringMatching(/^[a-z0-9./-]{1,40}$/),
          treeSize: fc.maxSafeNat(),
          rootHash: hash,
          headsCount: fc.maxSafeNat(),
          headsRoot: hash,
        }),
        (checkpoint) => {
          expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
        },
      ),
    );
  });

  it('refuse bodies that are not exactly what they format', () => {
    const body = formatCheckpoint(EXAMPLE);
    const lines = body.split('\n');
    const variants = [
      body.slice(0, -1),
      `${body}extra\n`,
      body.replace('20852163', '020852163'),
      body.replace('20852163', '-1'),
      body.replace('20852163', '9007199254740993'),
      body.replace('heads 1201', 'heads 01201'),
      body.replace('heads 1201', 'head 1201'),
      body.replace('heads 1201 ', 'heads 1201  '),
      body.replace(
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I',
      ),
      body.replace(
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=',
      ),
      `\n${lines.slice(1).join('\n')}`,
      lines.slice(0, 3).join('\n') + '\n',
    ];
    for (const variant of variants) {
      expect(() => parseCheckpoint(variant)).toThrow(MalformedCheckpointError);
    }
  });

  it('are signed by the origin key and opened with its verifier key', () => {
    const key = generateSigningKey(EXAMPLE.origin);
    const note = signCheckpoint(EXAMPLE, key);
    expect(note.startsWith(`${formatCheckpoint(EXAMPLE)}\n— ${EXAMPLE.origin} `)).toBe(true);
    expect(openCheckpoint(note, formatVerifierKey(key))).toEqual({ ...EXAMPLE, note });

    const otherKey = generateSigningKey(EXAMPLE.origin);
    expect(() => openCheckpoint(note, formatVerifierKey(otherKey))).toThrow(SignedNoteError);
    const forged = note.replace('20852163', '20852164');
    expect(() => openCheckpoint(forged, formatVerifierKey(key))).toThrow(
      expect.objectContaining({ reason: 'bad-signature' }),
    );
    const elsewhere = generateSigningKey('another-log');
    expect(() =>
      openCheckpoint(signCheckpoint(EXAMPLE, elsewhere), formatVerifierKey(elsewhere)),
    ).toThrow(MalformedCheckpointError);
  });
});
