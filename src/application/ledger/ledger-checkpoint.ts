import { decodeCanonicalBase64 } from './canonical-base64.js';
import { HASH_SIZE } from './merkle/merkle-hash.js';
import { NoteSigningKey, NoteVerifierKey, openNote, signNote } from './signed-note.js';

/*
 * The ledger's checkpoint: a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) committing both trees
 * at once, signed as a C2SP signed note (signed-note.ts). Auditors rely on this body, byte for byte:
 *
 *   <origin>\n
 *   <tree size>\n                              events in the event tree, decimal, no leading zeros
 *   <base64 root of the event tree>\n
 *   heads <stream count> <base64 root of the stream heads tree>\n
 *
 * The fourth line is a tlog-checkpoint extension line; tools that know only the first three lines
 * still check the event tree. Roots are RFC 9162 roots (32 bytes, padded RFC 4648 base64); an
 * empty tree's root is SHA-256(""). The checkpoint is signed by the key whose name is the origin.
 */

export interface LedgerCheckpoint {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly headsCount: number;
  readonly headsRoot: Buffer;
}

export class MalformedCheckpointError extends Error {
  constructor(why: string) {
    super(`not a ledger checkpoint: ${why}`);
    this.name = 'MalformedCheckpointError';
  }
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f]/;

export function formatCheckpoint(checkpoint: LedgerCheckpoint): string {
  const { origin, treeSize, rootHash, headsCount, headsRoot } = checkpoint;
  if (origin.length === 0 || CONTROL.test(origin)) {
    throw new MalformedCheckpointError('the origin is one non-empty line');
  }
  for (const [name, count] of [
    ['tree size', treeSize],
    ['stream count', headsCount],
  ] as const) {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new MalformedCheckpointError(`the ${name} is a non-negative integer`);
    }
  }
  if (rootHash.length !== HASH_SIZE || headsRoot.length !== HASH_SIZE) {
    throw new MalformedCheckpointError(`a root hash has ${HASH_SIZE} bytes`);
  }
  return (
    `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n` +
    `heads ${headsCount} ${headsRoot.toString('base64')}\n`
  );
}

/** Reads a body `formatCheckpoint` wrote; anything else throws a MalformedCheckpointError. */
export function parseCheckpoint(body: string): LedgerCheckpoint {
  if (!body.endsWith('\n')) throw new MalformedCheckpointError('it ends in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 4) throw new MalformedCheckpointError('it has four lines');
  const [origin, size, root, headsLine] = lines as [string, string, string, string];
  if (origin.length === 0 || CONTROL.test(origin)) {
    throw new MalformedCheckpointError('the origin is empty');
  }
  const heads = headsLine.split(' ');
  if (heads.length !== 3 || heads[0] !== 'heads') {
    throw new MalformedCheckpointError('the fourth line is "heads <count> <root>"');
  }
  return {
    origin,
    treeSize: parseCount('tree size', size),
    rootHash: parseHash('root hash', root),
    headsCount: parseCount('stream count', heads[1] as string),
    headsRoot: parseHash('heads root', heads[2] as string),
  };
}

/** The signed note of a checkpoint. */
export function signCheckpoint(checkpoint: LedgerCheckpoint, key: NoteSigningKey): string {
  return signNote(formatCheckpoint(checkpoint), key);
}

/**
 * The checkpoint in `note` once its signature by `verifierKey` verifies and its origin is the
 * key's name. Throws a SignedNoteError or a MalformedCheckpointError.
 */
export function openCheckpoint(
  note: string,
  verifierKey: NoteVerifierKey | string,
): LedgerCheckpoint & { readonly note: string } {
  const body = openNote(note, verifierKey);
  const checkpoint = parseCheckpoint(body);
  const keyName = typeof verifierKey === 'string' ? verifierKey.split('+')[0] : verifierKey.name;
  if (checkpoint.origin !== keyName) {
    throw new MalformedCheckpointError(`its origin is not the signing key's name ${keyName}`);
  }
  return { ...checkpoint, note };
}

function parseCount(name: string, text: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isSafeInteger(value)) {
    throw new MalformedCheckpointError(`the ${name} is a decimal without leading zeros`);
  }
  return value;
}

function parseHash(name: string, text: string): Buffer {
  const hash = decodeCanonicalBase64(text);
  if (hash === null || hash.length !== HASH_SIZE) {
    throw new MalformedCheckpointError(`the ${name} is ${HASH_SIZE} bytes in canonical base64`);
  }
  return hash;
}
