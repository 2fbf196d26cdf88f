import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { CallAlreadyExistsError } from '../../../../domain/call/call.errors.js';
import { ApplicationError } from '../../../application.errors.js';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port.js';
import { USER_DIRECTORY, type UserDirectory } from '../../../ports/user-directory.port.js';
import { CALL_POLICY, type CallPolicy } from '../../call-policy.js';
import { CallCommands } from '../../call-commands.js';
import { InitiateCallCommand, type InitiateCallResult } from './initiate-call.command.js';

/** Namespace for call ids derived from (user, Idempotency-Key): a retry finds the same call. */
const IDEMPOTENT_CALL_NAMESPACE = '6f1c2a4e-8d3b-4b7a-9e21-5c0d7f3a9b18';

@CommandHandler(InitiateCallCommand)
export class InitiateCallHandler implements ICommandHandler<InitiateCallCommand> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CALL_POLICY) private readonly policy: CallPolicy,
  ) {}

  async execute(command: InitiateCallCommand): Promise<InitiateCallResult> {
    const { actor, request } = command;
    const providerId = actor.role === 'provider' ? actor.userId : request.providerId;
    await this.requireUser(request.patientId, 'patient', 'patientId');
    if (providerId === null) {
      throw new ApplicationError('CALL.PROVIDER_REQUIRED', 'invalid', 'providerId is required');
    }
    await this.requireUser(providerId, 'provider', 'providerId');
    const callId = command.idempotencyKey
      ? uuidv5(`${actor.userId}\u0000${command.idempotencyKey}`, IDEMPOTENT_CALL_NAMESPACE)
      : this.ids.newId();
    try {
      const result = await this.calls.execute(
        callId,
        {
          type: 'InitiateCall',
          data: {
            callId,
            providerId,
            patientId: request.patientId,
            type: request.type,
            scheduledAt: request.scheduledAt,
            recordingEnabled: request.recordingEnabled,
            reason: request.reason,
            patientsMayInitiate: this.policy.patientsMayInitiate,
          },
        },
        actor,
        command.context,
      );
      return { ...result, replayed: false };
    } catch (error) {
      if (!(error instanceof CallAlreadyExistsError) || !command.idempotencyKey) throw error;
      const existing = await this.calls.load(callId);
      return { ...existing, newEvents: [], replayed: true };
    }
  }

  private async requireUser(
    id: string,
    role: 'patient' | 'provider',
    field: string,
  ): Promise<void> {
    const user = await this.users.findById(id);
    if (user?.role !== role) {
      throw new ApplicationError(
        role === 'patient' ? 'CALL.UNKNOWN_PATIENT' : 'CALL.UNKNOWN_PROVIDER',
        'invalid',
        `${field} does not name a ${role}`,
      );
    }
  }
}
