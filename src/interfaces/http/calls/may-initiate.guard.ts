import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { CALL_POLICY, type CallPolicy } from '../../../application/call/call-policy.js';
import { requireRoleMayInitiate } from '../../../domain/call/call.initiation.js';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';

/**
 * Refuses a caller whose role may not start calls before the body is validated: someone who may
 * not initiate learns nothing about which fields or ids would have been accepted.
 */
@Injectable()
export class MayInitiateGuard implements CanActivate {
  constructor(@Inject(CALL_POLICY) private readonly policy: CallPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const { actor } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (actor) requireRoleMayInitiate(actor, this.policy.patientsMayInitiate);
    return true;
  }
}
