import { callIdsOf } from './rooms.js';
import type { SignalingSocket } from './signaling-socket.js';

interface Heard {
  /** Last report, or when the socket entered the call. */
  heardAt: number;
  askedAt: number;
}

/** Intervals of silence after which a participant is asked for a report. */
const SILENT_INTERVALS = 3;

/**
 * Sends `request-quality-stats` to a participant whose client has not reported its connection
 * quality for three reporting intervals (a background tab, a client that forgot), at most once
 * per three intervals. Local to the instance that holds the socket.
 */
export class QualityStatsRequester {
  private readonly heard = new WeakMap<SignalingSocket, Map<string, Heard>>();

  constructor(private readonly intervalMs: number) {}

  /** A report arrived, or the socket (re)entered the call. */
  heardFrom(socket: SignalingSocket, callId: string, now = Date.now()): void {
    this.entries(socket).set(callId, { heardAt: now, askedAt: 0 });
  }

  sweep(sockets: Iterable<SignalingSocket>, now = Date.now()): number {
    const silence = SILENT_INTERVALS * this.intervalMs;
    let asked = 0;
    for (const socket of sockets) {
      const entries = this.entries(socket);
      const inCalls = callIdsOf(socket.rooms);
      for (const callId of entries.keys()) if (!inCalls.includes(callId)) entries.delete(callId);
      for (const callId of inCalls) {
        let entry = entries.get(callId);
        if (!entry) {
          entry = { heardAt: now, askedAt: 0 };
          entries.set(callId, entry);
        }
        if (now - Math.max(entry.heardAt, entry.askedAt) < silence) continue;
        entry.askedAt = now;
        socket.emit('request-quality-stats', {
          callId,
          intervalSeconds: Math.round(this.intervalMs / 1000),
        });
        asked++;
      }
    }
    return asked;
  }

  private entries(socket: SignalingSocket): Map<string, Heard> {
    let entries = this.heard.get(socket);
    if (!entries) {
      entries = new Map();
      this.heard.set(socket, entries);
    }
    return entries;
  }
}
