export const USER_ROLES = ['provider', 'patient', 'admin', 'auditor', 'analyst'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Who caused an event: an authenticated user, or the system itself (timers, sweepers). */
export type Actor =
  | { readonly userId: string; readonly role: UserRole }
  | { readonly userId: 'system'; readonly role: 'system' };

export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'system' };
