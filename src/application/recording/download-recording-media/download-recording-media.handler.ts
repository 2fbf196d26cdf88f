import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { pipeline } from 'node:stream';
import { CallNotFoundError, RecordingNotFoundError } from '../../../domain/call/call.errors.js';
import { recordingOf } from '../../../domain/call/call.state.js';
import { callReadAccess } from '../../../domain/call/call.parties.js';
import { AccessAudit } from '../../audit/access-audit.js';
import { CallCommands } from '../../call/call-commands.js';
import { RECORDING_CRYPTO, type RecordingCrypto } from '../../ports/recording-crypto.port.js';
import { RECORDING_STORAGE, type RecordingStorage } from '../../ports/recording-storage.port.js';
import { byteSlice, parseRange } from '../byte-streams.js';
import {
  downloadForbidden,
  recordingKeyUnavailable,
  recordingNotAvailable,
} from '../recording.errors.js';
import {
  DownloadRecordingMediaQuery,
  type RecordingMediaDownload,
} from './download-recording-media.query.js';

/**
 * The call's provider and patient, auditors and admins may download a completed recording.
 * Every download, ranges included, is appended to the call's access stream before a byte leaves.
 * Reads the ledger (not the read model): the storage key must be the one the ledger holds.
 */
@QueryHandler(DownloadRecordingMediaQuery)
export class DownloadRecordingMediaHandler implements IQueryHandler<DownloadRecordingMediaQuery> {
  constructor(
    private readonly calls: CallCommands,
    private readonly access: AccessAudit,
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage,
    @Inject(RECORDING_CRYPTO) private readonly crypto: RecordingCrypto,
  ) {}

  async execute(query: DownloadRecordingMediaQuery): Promise<RecordingMediaDownload> {
    const { actor, callId, recordingId } = query;
    if (actor.role === 'analyst') throw downloadForbidden();
    const { state } = await this.calls.load(callId);
    if (state.status === 'NONE') throw new CallNotFoundError(callId);
    if (callReadAccess(state, actor) === 'none') throw new CallNotFoundError(callId);
    const recording = recordingOf(state, recordingId);
    if (recording === undefined) throw new RecordingNotFoundError(recordingId);
    if (recording.status !== 'COMPLETED' || recording.media === null) {
      throw recordingNotAvailable(recordingId, recording.status);
    }
    const { media } = recording;
    if (!this.crypto.canOpen(media.keyId)) throw recordingKeyUnavailable(recordingId, media.keyId);
    const range = parseRange(query.rangeHeader, media.sizeBytes);
    await this.access.record(query, 'RecordingDownloaded', {
      recordingId,
      range: query.rangeHeader,
    });
    // A range reads the header and then only the chunks from the one that holds its first byte.
    const decrypted = await this.crypto.decryptFrom(
      (start) => this.storage.get(media.storageKey, { start }),
      range?.start ?? 0,
    );
    const body =
      range === null
        ? decrypted
        : pipeline(
            decrypted,
            byteSlice({ start: 0, end: range.end - range.start }),
            () => undefined,
          );
    return {
      recordingId,
      contentType: media.contentType,
      sizeBytes: media.sizeBytes,
      sha256: media.sha256,
      range,
      body,
    };
  }
}
