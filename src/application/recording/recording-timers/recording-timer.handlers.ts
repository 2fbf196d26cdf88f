import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { recordingOf } from '../../../domain/call/call.state.js';
import { CallLedger } from '../../call/call-ledger.js';
import type { CallCommandResult } from '../../call/call-command.result.js';
import { RECORDING_STORAGE, type RecordingStorage } from '../../ports/recording-storage.port.js';
import { FailRecordingUploadCommand, PurgeRecordingCommand } from './recording-timer.commands.js';

@CommandHandler(FailRecordingUploadCommand)
export class FailRecordingUploadHandler implements ICommandHandler<FailRecordingUploadCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: FailRecordingUploadCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'FailRecording',
      { recordingId: command.recordingId, reason: 'upload_timeout' },
      command.actor,
      command.envelope,
    );
  }
}

/**
 * Appends RecordingPurged first (from then on no legal hold can be set on it), then deletes the
 * object, whose header holds the wrapped data key. If the delete fails the timer is retried: the
 * decider answers the repeat with nothing and the delete runs again.
 */
@CommandHandler(PurgeRecordingCommand)
export class PurgeRecordingHandler implements ICommandHandler<PurgeRecordingCommand> {
  constructor(
    private readonly calls: CallLedger,
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage,
  ) {}

  async execute(command: PurgeRecordingCommand): Promise<CallCommandResult> {
    const result = await this.calls.execute(
      command.callId,
      'PurgeRecording',
      { recordingId: command.recordingId },
      command.actor,
      command.envelope,
    );
    const recording =
      result.state.status === 'NONE' ? undefined : recordingOf(result.state, command.recordingId);
    if (recording?.status === 'PURGED' && recording.media !== null) {
      await this.storage.delete(recording.media.storageKey);
    }
    return result;
  }
}
