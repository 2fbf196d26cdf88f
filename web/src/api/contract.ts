/** The REST resources of the API contract (DESIGN.md), as the web client reads them. */

export type Role = 'provider' | 'patient' | 'admin' | 'auditor' | 'analyst';

export interface User {
  readonly id: string;
  readonly role: Role;
  readonly displayName: string;
}

export interface LoginResponse {
  readonly accessToken: string;
  readonly user: User;
}

export type CallStatus =
  | 'SCHEDULED'
  | 'RINGING'
  | 'IN_PROGRESS'
  | 'ENDED'
  | 'MISSED'
  | 'DECLINED'
  | 'CANCELLED'
  | 'FAILED';

export type CallType = 'VIDEO' | 'AUDIO' | 'SCREEN_SHARE';

export interface CallSummary {
  readonly id: string;
  readonly type: CallType;
  readonly status: CallStatus;
  readonly providerId: string;
  readonly providerName: string | null;
  readonly patientId: string;
  readonly patientName: string | null;
  readonly initiatedAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly duration: number | null;
  readonly recordingEnabled: boolean;
  readonly recordingCount: number;
}

export interface CallHistory {
  readonly calls: CallSummary[];
  readonly total: number;
  readonly nextCursor: string | null;
}

export interface Participant {
  readonly userId: string;
  readonly displayName: string | null;
  readonly role: 'provider' | 'patient';
  readonly status: string;
  readonly joinedAt: string | null;
  readonly leftAt: string | null;
  readonly consentedToRecording: boolean;
}

export type RecordingStatus = 'RECORDING' | 'STOPPED' | 'COMPLETED' | 'FAILED' | 'PURGED';

export interface Recording {
  readonly id: string;
  readonly status: RecordingStatus;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly duration: number | null;
  readonly sizeBytes?: number | null;
  readonly contentType?: string | null;
}

export interface QualitySummary {
  readonly samples: number;
  readonly avgRttMs: number | null;
  readonly avgJitterMs: number | null;
  readonly avgPacketLossPct: number | null;
  readonly avgMos: number | null;
  readonly warnings: number;
  readonly connectivity: 'p2p' | 'relay' | null;
}

export interface CallDetails extends CallSummary {
  readonly participants: Participant[];
  readonly recordings: Recording[];
  readonly recordingConsentObtained: boolean;
  readonly quality: QualitySummary;
}

/** A command's answer: the resource plus where the ledger now stands. */
export interface CommandResult {
  readonly position: string;
  readonly revision: number;
}

export interface PatientDirectory {
  readonly patients: Array<{ readonly id: string; readonly displayName: string }>;
  readonly nextCursor: string | null;
}

export interface IceConfiguration {
  readonly iceServers: RTCIceServer[];
  readonly ttlSeconds: number;
  readonly iceTransportPolicy: RTCIceTransportPolicy;
}

export interface CallStatistics {
  readonly from: string;
  readonly to: string;
  readonly totals: {
    readonly calls: number;
    readonly byStatus: Partial<Record<CallStatus, number>>;
  };
  readonly successRate: number | null;
  readonly averageDurationSeconds: number | null;
  readonly medianDurationSeconds: number | null;
  readonly recordings: {
    readonly started: number;
    readonly completed: number;
    readonly failed: number;
    readonly successRate: number | null;
  };
  readonly quality: {
    readonly avgRttMs: number | null;
    readonly avgJitterMs: number | null;
    readonly avgPacketLossPct: number | null;
    readonly avgMos: number | null;
  };
  readonly connectivity: {
    readonly p2p: number;
    readonly relay: number;
    readonly relayShare: number | null;
  };
}

export interface TimelineEvent {
  readonly position: string;
  readonly revision: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: { readonly userId: string; readonly role: string };
  readonly data: Record<string, unknown>;
}

export interface CallTimeline {
  readonly callId: string;
  readonly events: TimelineEvent[];
  readonly integrity: {
    readonly verified: boolean;
    readonly checkedEvents: number;
    readonly brokenAt: string | number | null;
  };
}
