import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { CallType } from '../../../../domain/call/call.values.js';
import type { RequestContext } from '../../../request-context.js';
import type { CallCommandResult } from '../../call-command.result.js';

export interface InitiateCallResult extends CallCommandResult {
  /** True when an earlier request with the same Idempotency-Key already created this call. */
  readonly replayed: boolean;
}

export class InitiateCallCommand extends Command<InitiateCallResult> {
  constructor(
    readonly actor: Actor,
    readonly context: RequestContext,
    readonly request: {
      readonly patientId: string;
      /** Only for patient-initiated calls, where the body names the provider. */
      readonly providerId: string | null;
      readonly type: CallType;
      readonly scheduledAt: string | null;
      readonly recordingEnabled: boolean;
      readonly reason: string | null;
    },
    readonly idempotencyKey: string | null,
  ) {
    super();
  }
}
