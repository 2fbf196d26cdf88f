/**
 * The socket.io events of the /webrtc namespace, as the web client sends and hears them: every
 * client -> server event with its payload and the ack it gets back, and every server -> client
 * event with its payload. The server validates what it receives (unknown fields refused, `from`
 * stamped by the server itself), so the payloads here carry only what it accepts.
 */
import type { CallStatus, CallType } from './contract';
import type {
  DisconnectReason,
  MediaState,
  ParticipantLeftReason,
  ParticipantRole,
  ParticipantStatus,
  QualitySuggestion,
  RecordingStopReason,
} from '../../../src/domain/call/call.values.js';

export interface CallRef {
  readonly callId: string;
}

// --- what the client sends ------------------------------------------------------------------

/** Relayed signals name the participant they go to; the server adds who they come from. */
interface RelayedTo extends CallRef {
  readonly to: string;
}

export interface OfferSignal extends RelayedTo {
  readonly sdp: { readonly type: 'offer'; readonly sdp: string };
}

export interface AnswerSignal extends RelayedTo {
  readonly sdp: { readonly type: 'answer' | 'pranswer'; readonly sdp: string };
}

export interface IceCandidateSignal extends RelayedTo {
  readonly candidate: RTCIceCandidateInit;
}

/** At least one flag; omitted ones keep their value. */
export interface MediaChange {
  readonly audio?: boolean;
  readonly video?: boolean;
  readonly screenShare?: boolean;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** What getStats() says about the selected candidate pair, about every 10 s. */
export interface ConnectionQualityReport extends CallRef {
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly packetLossPct: number;
  readonly bitrateKbps?: number | null;
  readonly candidateType?: CandidateType | null;
  readonly connectionState?: RTCPeerConnectionState | null;
}

/** One participant as the room sees it: the ack of join-call and reconnect-call. */
export interface RoomParticipant {
  readonly userId: string;
  readonly role: ParticipantRole;
  readonly status: ParticipantStatus;
  readonly video: boolean;
  readonly audio: boolean;
  readonly screenShare: boolean;
}

export interface RoomSnapshot extends CallRef {
  readonly status: CallStatus;
  readonly participants: readonly RoomParticipant[];
}

/** Every client event: its payload, and the fields of its ack besides `ok: true`. */
export interface ClientEvents {
  'join-call': { payload: CallRef; ack: RoomSnapshot };
  'reconnect-call': { payload: CallRef; ack: RoomSnapshot & { readonly resumed: boolean } };
  'leave-call': { payload: CallRef; ack: CallRef };
  offer: { payload: OfferSignal; ack: object };
  answer: { payload: AnswerSignal; ack: object };
  'ice-candidate': { payload: IceCandidateSignal; ack: object };
  'update-media': {
    payload: CallRef & MediaChange;
    ack: CallRef & { readonly media: MediaState | null };
  };
  'refresh-token': { payload: { readonly token: string }; ack: { readonly expiresAt: string } };
  'connection-quality': {
    payload: ConnectionQualityReport;
    ack: CallRef & {
      readonly mos: number;
      readonly poor: boolean;
      readonly connected: boolean;
      readonly degraded: boolean;
    };
  };
}

export type ClientEventName = keyof ClientEvents;

/** A request's refusal: a stable code in the DOMAIN.WHAT style (CALL.NOT_JOINABLE, ...). */
export interface AckFailure {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

export type Ack<Event extends ClientEventName> =
  ({ readonly ok: true } & ClientEvents[Event]['ack']) | AckFailure;

// --- what the server sends ------------------------------------------------------------------

interface RelayedFrom extends CallRef {
  /** The sender, as the server authenticated it. */
  readonly from: string;
}

export interface IncomingCall extends RelayedFrom {
  readonly type: CallType;
  readonly providerId: string;
  readonly patientId: string;
  readonly recordingEnabled: boolean;
  readonly initiatedAt: string;
}

export interface CallAnsweredNews extends CallRef {
  readonly answeredBy: string;
  readonly startedAt: string;
}

/** A call that rang or ran is over (ended, declined, missed or failed). */
export interface CallEndedNews extends CallRef {
  readonly status: Extract<CallStatus, 'ENDED' | 'DECLINED' | 'MISSED' | 'FAILED'>;
  /** A party's user id, or `system`. */
  readonly endedBy: string;
  readonly reason: string | null;
  readonly endedAt: string;
  readonly durationSeconds: number | null;
}

export interface CallCancelledNews extends CallRef {
  readonly cancelledBy: string;
  readonly reason: string | null;
  readonly at: string;
}

export interface ParticipantJoinedNews extends CallRef {
  readonly userId: string;
  readonly role: ParticipantRole;
  readonly at: string;
  readonly reconnected: boolean;
}

export interface ParticipantNews extends CallRef {
  readonly userId: string;
  readonly at: string;
}

export interface ParticipantLeftNews extends ParticipantNews {
  readonly reason: ParticipantLeftReason;
}

/** Their connection closed, or the server instance holding it was lost. */
export interface ParticipantDisconnectedNews extends ParticipantNews {
  readonly reason: DisconnectReason;
}

/** The participant's whole media state after the change. */
export type ParticipantMediaNews = ParticipantNews & MediaState;

export interface QualityWarning extends ParticipantNews {
  /** Whose link is poor: the user's own, or (for the clinician) the patient's. */
  readonly userId: string;
  readonly suggestion: QualitySuggestion;
  readonly samples: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export interface RecordingStartedNews extends CallRef {
  readonly recordingId: string;
  readonly startedBy: string;
  readonly at: string;
}

export interface RecordingStoppedNews extends CallRef {
  readonly recordingId: string;
  /** The provider, or `system` when a rule stopped it. */
  readonly stoppedBy: string;
  readonly reason: RecordingStopReason;
  readonly at: string;
  readonly durationSeconds: number;
}

export interface ConsentNews extends ParticipantNews {
  readonly consented: boolean;
}

/** Sent to a client that has not reported its connection quality for a while. */
export interface QualityStatsRequest extends CallRef {
  readonly intervalSeconds: number;
}

/** A refused message sent without an ack callback (relayed signals are sent that way). */
export interface SignalRefusal {
  readonly event: string;
  readonly code: string;
  readonly message: string;
}

/** The connection was ended by the server: the token expired, or the session ended. */
export interface ConnectionEnded {
  readonly code: string;
  readonly message: string;
}

/**
 * What every notification made from the ledger carries besides its own fields: the id of the
 * ledger event it tells of. The server delivers notifications at least once (a retry, a restart
 * may send one again); the client drops a repeat by this id (see seen-notifications.ts).
 */
export interface LedgerNotification {
  readonly eventId: string;
}

/** A server event made from a ledger event. */
export type FromLedger<Payload> = Payload & LedgerNotification;

/** Every server event and its payload. */
export interface ServerEvents {
  'incoming-call': FromLedger<IncomingCall>;
  'call-answered': FromLedger<CallAnsweredNews>;
  'call-ended': FromLedger<CallEndedNews>;
  'call-cancelled': FromLedger<CallCancelledNews>;
  'participant-joined': FromLedger<ParticipantJoinedNews>;
  'participant-left': FromLedger<ParticipantLeftNews>;
  'participant-disconnected': FromLedger<ParticipantDisconnectedNews>;
  'participant-media-updated': FromLedger<ParticipantMediaNews>;
  'room-participants': FromLedger<RoomSnapshot>;
  'quality-warning': FromLedger<QualityWarning>;
  'recording-started': FromLedger<RecordingStartedNews>;
  'recording-stopped': FromLedger<RecordingStoppedNews>;
  'recording-consent-updated': FromLedger<ConsentNews>;
  'request-quality-stats': QualityStatsRequest;
  offer: RelayedFrom & Pick<OfferSignal, 'sdp'>;
  answer: RelayedFrom & Pick<AnswerSignal, 'sdp'>;
  'ice-candidate': RelayedFrom & { readonly candidate: RTCIceCandidateInit };
  error: SignalRefusal;
  'auth-expired': ConnectionEnded;
  'session-ended': ConnectionEnded;
}

export type ServerEventName = keyof ServerEvents;

/** The server events about one call (all but `error`). */
export type CallEventName = {
  [Event in ServerEventName]: ServerEvents[Event] extends CallRef ? Event : never;
}[ServerEventName];
