import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { CallAlreadyExistsError } from '../../../../domain/call/call.errors.js';
import { requireMayInitiate } from '../../../../domain/call/call.initiation.js';
import type { CallState } from '../../../../domain/call/call.state.js';
import { ApplicationError } from '../../../application.errors.js';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port.js';
import { USER_DIRECTORY, type UserDirectory } from '../../../ports/user-directory.port.js';
import { CALL_POLICY, type CallPolicy } from '../../call-policy.js';
import { CallCommands } from '../../call-commands.js';
import { InitiateCallCommand, type InitiateCallResult } from './initiate-call.command.js';

/** Namespace for call ids derived from (user, Idempotency-Key): a retry finds the same call. */
const IDEMPOTENT_CALL_NAMESPACE = '6f1c2a4e-8d3b-4b7a-9e21-5c0d7f3a9b18';

type CallRequest = InitiateCallCommand['request'] & { readonly providerId: string };

/**
 * Whether the call the ledger holds is the one this request asks for. Every field of the request
 * is a fact of CallInitiated, and none of them changes after it, so the recorded call is the
 * request's fingerprint: nothing else about the request has to be stored.
 */
function sameRequest(state: CallState, request: CallRequest): boolean {
  return (
    state.status !== 'NONE' &&
    state.providerId === request.providerId &&
    state.patientId === request.patientId &&
    state.type === request.type &&
    state.scheduledAt === request.scheduledAt &&
    state.recordingEnabled === request.recordingEnabled &&
    state.reason === request.reason
  );
}

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
    // Who may start this call comes first: a refusal must not depend on the ids that were sent.
    requireMayInitiate(actor, request, this.policy.patientsMayInitiate);
    const providerId = request.providerId ?? (actor.role === 'provider' ? actor.userId : null);
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
      if (!sameRequest(existing.state, { ...request, providerId })) {
        throw new ApplicationError(
          'REQUEST.IDEMPOTENCY_KEY_REUSED',
          'unprocessable',
          'This Idempotency-Key was used for a different request; use a new key for a new call',
        );
      }
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
