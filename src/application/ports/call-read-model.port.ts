import type { CallStatus, CallType } from '../../domain/call/call.values.js';

export const CALL_READ_MODEL = Symbol('CALL_READ_MODEL');

export interface CallSummary {
  readonly id: string;
  readonly type: CallType;
  readonly status: CallStatus;
  readonly providerId: string;
  readonly providerName: string | null;
  readonly patientId: string;
  readonly patientName: string | null;
  readonly initiatorId: string;
  readonly calleeId: string;
  readonly reason: string | null;
  readonly scheduledAt: string | null;
  readonly initiatedAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly endedBy: string | null;
  readonly endReason: string | null;
  readonly failureReason: string | null;
  readonly duration: number | null;
  readonly recordingEnabled: boolean;
  readonly recordingCount: number;
  readonly qualityWarningCount: number;
  readonly connectivity: 'p2p' | 'relay' | null;
  readonly revision: number;
}

export interface ParticipantView {
  readonly userId: string;
  readonly displayName: string | null;
  readonly role: 'provider' | 'patient';
  readonly status: string;
  readonly joinedAt: string | null;
  readonly leftAt: string | null;
  readonly leftReason: string | null;
  readonly participationSeconds: number;
  readonly videoEnabled: boolean;
  readonly audioEnabled: boolean;
  readonly screenShareEnabled: boolean;
  readonly consentedToRecording: boolean;
}

export interface RecordingView {
  readonly id: string;
  readonly callId: string;
  readonly status: string;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly stoppedBy: string | null;
  readonly stopReason: string | null;
  readonly duration: number | null;
  readonly consentedParticipants: string[];
  readonly sizeBytes: number | null;
  readonly sha256: string | null;
  readonly contentType: string | null;
  readonly completedAt: string | null;
  readonly expiresAt: string | null;
  readonly legalHold: boolean;
  readonly purgedAt: string | null;
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
  readonly participants: ParticipantView[];
  readonly recordings: RecordingView[];
  readonly recordingConsentObtained: boolean;
  readonly quality: QualitySummary;
}

export interface HistoryFilter {
  /** Only calls this user takes part in; null for every call. */
  readonly participantId: string | null;
  readonly statuses: readonly CallStatus[];
  readonly from: Date | null;
  readonly to: Date | null;
  readonly limit: number;
  readonly cursor: string | null;
}

export interface Page<Item> {
  readonly items: Item[];
  readonly nextCursor: string | null;
}

export interface CallStatistics {
  readonly from: string;
  readonly to: string;
  readonly totals: { readonly calls: number; readonly byStatus: Record<CallStatus, number> };
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

export interface AuditEntry {
  readonly position: string;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly action: string;
  readonly callId: string | null;
  readonly recordingId: string | null;
  readonly outcome: string;
  readonly origin: { ip?: string; userAgent?: string } | null;
}

export interface AuditFilter {
  readonly actorId: string | null;
  readonly callId: string | null;
  readonly action: string | null;
  readonly from: Date | null;
  readonly to: Date | null;
  readonly limit: number;
  readonly cursor: string | null;
}

/** The projected read models; queries never load aggregates. */
export interface CallReadModel {
  history(filter: HistoryFilter): Promise<Page<CallSummary> & { total: number }>;
  findCall(callId: string): Promise<CallDetails | null>;
  recordings(
    callId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<RecordingView>>;
  findRecording(callId: string, recordingId: string): Promise<RecordingView | null>;
  statistics(range: { from: Date; to: Date; providerId: string | null }): Promise<CallStatistics>;
  auditLog(filter: AuditFilter): Promise<Page<AuditEntry>>;
}
