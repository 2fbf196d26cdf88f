import type { RecordingsConfig } from '../config/recordings-config.js';
import { AesGcmRecordingCrypto, kekFingerprint } from './aes-gcm-recording-crypto.adapter.js';
import { loadOrCreateLocalKey } from './local-development-key.js';

export interface OpenedRecordingCrypto {
  readonly crypto: AesGcmRecordingCrypto;
  /** The id of the KEK that seals new recordings. */
  readonly currentKeyId: string;
  /** The development key file, when the current KEK is one; `generated` when this start made it. */
  readonly localKey: { readonly path: string; readonly generated: boolean } | null;
}

/**
 * The recording crypto from configuration: the current KEK (RECORDING_KEK, or the development key
 * file) seals new recordings; the previous ones (RECORDING_KEK_PREVIOUS) only open older ones.
 */
export function openRecordingCrypto(
  config: Pick<RecordingsConfig, 'kek' | 'previousKeks'>,
): OpenedRecordingCrypto {
  const { key, localKey } = currentKek(config.kek);
  const currentKeyId = kekFingerprint(key);
  const previous = config.previousKeks
    .map((bytes) => Buffer.from(bytes))
    .map((bytes) => ({ id: kekFingerprint(bytes), key: bytes }))
    .filter((kek) => kek.id !== currentKeyId);
  return {
    crypto: new AesGcmRecordingCrypto({ id: currentKeyId, key }, previous),
    currentKeyId,
    localKey,
  };
}

function currentKek(source: RecordingsConfig['kek']): {
  key: Buffer;
  localKey: OpenedRecordingCrypto['localKey'];
} {
  if (source.kind === 'inline') return { key: Buffer.from(source.key), localKey: null };
  const { key, generated } = loadOrCreateLocalKey(source.path);
  return { key, localKey: { path: source.path, generated } };
}
