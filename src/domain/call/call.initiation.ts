import type { Actor } from '../shared/actor.js';
import {
  CallInitiatorMismatchError,
  PatientInitiationDisabledError,
  RoleCannotInitiateError,
} from './call.errors.js';

/** The parties a request to start a call names; a provider may leave itself out. */
export interface InitiationParties {
  readonly providerId: string | null;
  readonly patientId: string;
}

/**
 * Who may start a call: a provider, only as its own provider; a patient, only where patients may
 * initiate and only as its own patient. Checked before anything else about the request, so the
 * answer to someone who may not start this call never depends on the ids or fields it sent.
 */
export function requireMayInitiate(
  actor: Actor,
  parties: InitiationParties,
  patientsMayInitiate: boolean,
): void {
  requireRoleMayInitiate(actor, patientsMayInitiate);
  if (actor.role === 'provider') {
    if (parties.providerId !== null && parties.providerId !== actor.userId) {
      throw new CallInitiatorMismatchError(actor.userId, 'provider');
    }
  } else if (actor.userId !== parties.patientId) {
    throw new CallInitiatorMismatchError(actor.userId, 'patient');
  }
}

/** The part of the rule that needs no request: only providers, and patients where allowed. */
export function requireRoleMayInitiate(actor: Actor, patientsMayInitiate: boolean): void {
  if (actor.role === 'provider') return;
  if (actor.role === 'patient') {
    if (!patientsMayInitiate) throw new PatientInitiationDisabledError();
    return;
  }
  throw new RoleCannotInitiateError(actor.role);
}
