import {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationTarget,
} from '../../application/signaling/signaling-emitter.port.js';
import type { JsonObject } from '../../domain/shared/event.js';

/*
 * What the instance running the ledger notifier tells the other instances (socket.io server-side
 * events, carried by the Redis adapter): each instance sends a notification to its own sockets,
 * and takes its own sockets out of a call. The notifier's instance does both for its sockets
 * itself, without waiting for Redis, as a Redis outage must not silence the sockets it holds.
 */

/** A notification for the sockets of the instance that hears it. */
export const NOTIFY_HERE = 'ledger:notify';
/** A call's departures, for the sockets of the instance that hears it. */
export const LEAVE_CALL_HERE = 'ledger:leave-call';

export interface RelayedNotification {
  readonly target: NotificationTarget;
  readonly event: NotificationEvent;
  readonly payload: JsonObject;
}

export interface CallDeparture {
  readonly callId: string;
  readonly userId: string | null;
  readonly revision: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isTarget(value: unknown): value is NotificationTarget {
  if (!isRecord(value)) return false;
  if ('users' in value) return isStringList(value['users']);
  return typeof value['call'] === 'string' && isStringList(value['exceptUsers']);
}

export function isRelayedNotification(value: unknown): value is RelayedNotification {
  if (!isRecord(value)) return false;
  const { target, event, payload } = value;
  return (
    isTarget(target) &&
    (NOTIFICATION_EVENTS as readonly unknown[]).includes(event) &&
    isRecord(payload)
  );
}

export function isCallDeparture(value: unknown): value is CallDeparture {
  if (!isRecord(value)) return false;
  const { callId, userId, revision } = value;
  return (
    typeof callId === 'string' &&
    (userId === null || typeof userId === 'string') &&
    typeof revision === 'number'
  );
}
