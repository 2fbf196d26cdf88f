import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallCommands } from '../../call/call-commands.js';
import type { CallCommandResult } from '../../call/call-command.result.js';
import { CLOCK, type Clock } from '../../ports/clock.port.js';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port.js';
import { RECORDING_CRYPTO, type RecordingCrypto } from '../../ports/recording-crypto.port.js';
import { RECORDING_STORAGE, type RecordingStorage } from '../../ports/recording-storage.port.js';
import {
  RECORDING_UPLOAD_STORE,
  type RecordingUploadStore,
} from '../../ports/recording-upload-store.port.js';
import { RecordingTooLargeError, uploadInProgress } from '../recording.errors.js';
import { RECORDING_SETTINGS, type RecordingSettings } from '../recording-settings.js';
import {
  assertMayUpload,
  keepUploadAlive,
  leaseStaleBefore,
  recordingObjectKey,
} from '../recording-upload-rules.js';
import { appendRecordingUploaded } from '../append-recording-uploaded.js';
import { sealIntoStorage } from '../seal-into-storage.js';
import { UploadRecordingMediaCommand } from './upload-recording-media.command.js';

/**
 * Streams the media through a size limit, a SHA-256 of the plaintext and the encryptor into
 * storage, then appends RecordingUploaded. The rules are checked, and the recording's one upload
 * slot taken, before the first byte is read (a second upload is refused at once), and the rules
 * again on append; whatever stops the upload removes the stored object, so a refused or failed
 * upload leaves neither a file nor an event.
 */
@CommandHandler(UploadRecordingMediaCommand)
export class UploadRecordingMediaHandler implements ICommandHandler<UploadRecordingMediaCommand> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage,
    @Inject(RECORDING_CRYPTO) private readonly crypto: RecordingCrypto,
    @Inject(RECORDING_UPLOAD_STORE) private readonly uploads: RecordingUploadStore,
    @Inject(RECORDING_SETTINGS) private readonly settings: RecordingSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: UploadRecordingMediaCommand): Promise<CallCommandResult> {
    const { callId, actor, recordingId, contentType } = command;
    await assertMayUpload(
      this.calls,
      callId,
      recordingId,
      contentType,
      actor,
      this.clock,
      this.settings,
    );
    const uploadId = this.ids.newId();
    const now = this.clock.now();
    const claim = await this.uploads.claim(
      {
        uploadId,
        callId,
        recordingId,
        ownerId: actor.userId,
        kind: 'single',
        contentType: null,
        sizeBytes: null,
        partBytes: null,
        startedAt: now,
        renewedAt: now,
      },
      leaseStaleBefore(this.clock, this.settings),
    );
    if (!claim.claimed) throw uploadInProgress(recordingId);
    const stopRenewing = keepUploadAlive(this.uploads, uploadId, this.clock, this.settings);
    try {
      const storageKey = recordingObjectKey(callId, recordingId, uploadId);
      const sealed = await sealIntoStorage(
        this.storage,
        this.crypto,
        storageKey,
        command.body,
        this.settings.maxBytes,
        () => new RecordingTooLargeError(this.settings.maxBytes),
      );
      return await appendRecordingUploaded(
        { calls: this.calls, storage: this.storage, clock: this.clock, settings: this.settings },
        { callId, recordingId, contentType, sealed, storageKey },
        actor,
        command.context,
      );
    } finally {
      stopRenewing();
      await this.uploads.release(uploadId);
    }
  }
}
