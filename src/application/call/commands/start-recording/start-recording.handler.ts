import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordingConsentMissingError } from '../../../../domain/call/call.errors.js';
import { ApplicationError } from '../../../application.errors.js';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port.js';
import { USER_DIRECTORY, type UserDirectory } from '../../../ports/user-directory.port.js';
import { CallCommands } from '../../call-commands.js';
import { StartRecordingCommand, type StartRecordingResult } from './start-recording.command.js';

@CommandHandler(StartRecordingCommand)
export class StartRecordingHandler implements ICommandHandler<StartRecordingCommand> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
  ) {}

  async execute(command: StartRecordingCommand): Promise<StartRecordingResult> {
    const recordingId = this.ids.newId();
    try {
      const result = await this.calls.execute(
        command.callId,
        { type: 'StartRecording', data: { recordingId } },
        command.actor,
        command.context,
      );
      return { ...result, recordingId };
    } catch (error) {
      if (!(error instanceof RecordingConsentMissingError)) throw error;
      // The clinician needs names to know whom to ask; the domain only knows ids.
      const missing = await this.users.findManyByIds(error.missing);
      const names = new Map(missing.map((user) => [user.id, user.displayName]));
      const people = error.missing.map((userId) => ({
        userId,
        displayName: names.get(userId) ?? 'Unknown participant',
      }));
      throw new ApplicationError(
        error.code,
        'conflict',
        `Recording needs consent from every participant; still missing: ${people
          .map((person) => person.displayName)
          .join(', ')}`,
        { missing: people },
      );
    }
  }
}
