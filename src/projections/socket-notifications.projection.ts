import {
  NOTIFIED_STREAM_PREFIXES,
  type LedgerNotifier,
} from '../application/signaling/ledger-notifier.js';
import type { Projection } from './projection.js';

export const SOCKET_NOTIFICATIONS_PROJECTION = 'socket-notifications';

/**
 * The ledger notifier run as a projection: its checkpoint moves past a batch only once the
 * batch's notifications went out, so a notifier that stopped, crashed or fell behind resumes
 * where it was (at least once; the client drops repeats by event id).
 *
 * One runner is active across all instances (the projection lock). Its instance sends each
 * notification to its own sockets and, through the socket.io adapter, has every other instance
 * send it to theirs (the gateway's SignalingEmitter). One position for the whole deployment is
 * then enough, and needed: had every instance notified its own sockets from a position of its
 * own, a user whose instance went down would reconnect to another that had already passed the
 * event, and never hear it. The cost: while Redis is down, only the notifier's own instance's
 * sockets hear news at once; the others' get it when Redis is back (the adapter retries its
 * publish for a minute), as for relayed messages. A notifier that starts for the first time
 * begins at the ledger's head (startCheckpointAtHead): notifications are news, not history.
 */
export function socketNotificationsProjection(notifier: LedgerNotifier): Projection {
  return {
    name: SOCKET_NOTIFICATIONS_PROJECTION,
    streamPrefixes: NOTIFIED_STREAM_PREFIXES,
    // The transaction only carries the checkpoint: notifying writes nothing.
    apply: (_trx, events) => notifier.notify(events),
    reset: () => notifier.forget(),
  };
}
