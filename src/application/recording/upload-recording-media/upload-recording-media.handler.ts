import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { callDecider } from '../../../domain/call/call.decider.js';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import type { CompleteRecordingUpload } from '../../../domain/call/call.commands.js';
import { isCallParty } from '../../../domain/call/call.parties.js';
import { CallCommands } from '../../call/call-commands.js';
import type { CallCommandResult } from '../../call/call-command.result.js';
import { CLOCK, type Clock } from '../../ports/clock.port.js';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port.js';
import { RECORDING_CRYPTO, type RecordingCrypto } from '../../ports/recording-crypto.port.js';
import { RECORDING_STORAGE, type RecordingStorage } from '../../ports/recording-storage.port.js';
import { byteLimit, sha256Tap } from '../byte-streams.js';
import { RecordingTooLargeError } from '../recording.errors.js';
import { RECORDING_SETTINGS, type RecordingSettings } from '../recording-settings.js';
import { UploadRecordingMediaCommand } from './upload-recording-media.command.js';

const DAY_MS = 86_400_000;

/**
 * Streams the media through a size limit, a SHA-256 of the plaintext and the encryptor into
 * storage, then appends RecordingUploaded. The rules are checked before the first byte is read
 * and again on append; whatever stops the upload removes the stored object, so a refused or failed
 * upload leaves neither a file nor an event.
 */
@CommandHandler(UploadRecordingMediaCommand)
export class UploadRecordingMediaHandler implements ICommandHandler<UploadRecordingMediaCommand> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage,
    @Inject(RECORDING_CRYPTO) private readonly crypto: RecordingCrypto,
    @Inject(RECORDING_SETTINGS) private readonly settings: RecordingSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: UploadRecordingMediaCommand): Promise<CallCommandResult> {
    const { callId, actor, recordingId } = command;
    const { state } = await this.calls.load(callId);
    if (state.status === 'NONE' || !isCallParty(state, actor.userId)) {
      throw new CallNotFoundError(callId);
    }
    // A dry run of the decider: refuse (not stopped, already uploaded, not the provider) before
    // reading the body. The real command below decides again against the state it appends to.
    callDecider.decide(this.completion(command, '0'.repeat(64), 0, 'pending', 'pending'), state);

    // One object per attempt: a racing second upload can never overwrite the first one's file.
    const storageKey = `calls/${callId}/recordings/${recordingId}/${this.ids.newId()}.vwrc`;
    const limit = byteLimit(this.settings.maxBytes);
    const hash = sha256Tap();
    const { stream: encryptor, keyId } = this.crypto.encryptor();
    const sealed = new PassThrough();
    const [sealing, storing] = await Promise.allSettled([
      pipeline(command.body, limit, hash, encryptor, sealed),
      this.storage.put(storageKey, sealed),
    ]);
    if (sealing.status === 'rejected' || storing.status === 'rejected') {
      await this.storage.delete(storageKey).catch(() => undefined);
      const reason: unknown =
        sealing.status === 'rejected' ? sealing.reason : (storing as PromiseRejectedResult).reason;
      if (limit.bytes > this.settings.maxBytes)
        throw new RecordingTooLargeError(this.settings.maxBytes);
      throw reason;
    }
    try {
      return await this.calls.execute(
        callId,
        {
          type: 'CompleteRecordingUpload',
          data: this.completion(command, hash.digest(), limit.bytes, storageKey, keyId).data,
        },
        actor,
        command.context,
      );
    } catch (error) {
      await this.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
  }

  private completion(
    command: UploadRecordingMediaCommand,
    sha256: string,
    sizeBytes: number,
    storageKey: string,
    keyId: string,
  ): CompleteRecordingUpload {
    const now = this.clock.now();
    return {
      type: 'CompleteRecordingUpload',
      data: {
        recordingId: command.recordingId,
        sizeBytes,
        sha256,
        storageKey,
        keyId,
        contentType: command.contentType,
        expiresAt: new Date(now.getTime() + this.settings.retentionDays * DAY_MS).toISOString(),
      },
      metadata: { actor: command.actor, now: now.toISOString() },
    };
  }
}
