import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  CANDIDATE_TYPES,
  CONNECTION_STATES,
  SAMPLE_LIMITS,
  type CandidateType,
  type ConnectionState,
} from '../../../domain/call-quality/call-quality.values.js';
import { IsWellFormedText } from '../../validation/well-formed-text.js';
import { NestedPayload } from './nested-payload.js';
import { MaxBytes, MaxJsonBytes } from './size.validators.js';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

/**
 * The payload of every client event of the /webrtc namespace (README, "Signaling (the video part)"). Validated
 * with unknown fields refused (`from` included: only the server stamps it), no type coercion,
 * an SDP of at most 64 KB and an ICE candidate of at most 4 KB.
 */

export const MAX_SDP_BYTES = 64 * 1024;
export const MAX_CANDIDATE_BYTES = 4 * 1024;

const FINITE = { allowNaN: false, allowInfinity: false } as const;

/** join-call, leave-call, reconnect-call. */
export class CallRefPayload {
  @IsUUID()
  callId!: string;
}

/** The browser's RTCSessionDescriptionInit of an offer. */
export class OfferSdpPayload {
  @IsIn(['offer'])
  type!: 'offer';

  @IsString()
  @MaxBytes(MAX_SDP_BYTES)
  @IsWellFormedText()
  sdp!: string;
}

/** The browser's RTCSessionDescriptionInit of an answer (or provisional answer). */
export class AnswerSdpPayload {
  @IsIn(['answer', 'pranswer'])
  type!: 'answer' | 'pranswer';

  @IsString()
  @MaxBytes(MAX_SDP_BYTES)
  @IsWellFormedText()
  sdp!: string;
}

abstract class RelayPayload {
  @IsUUID()
  callId!: string;

  /** The user id of the participant to deliver to. */
  @IsUUID()
  to!: string;
}

export class OfferPayload extends RelayPayload {
  @NestedPayload(() => OfferSdpPayload)
  sdp!: OfferSdpPayload;
}

export class AnswerPayload extends RelayPayload {
  @NestedPayload(() => AnswerSdpPayload)
  sdp!: AnswerSdpPayload;
}

/** The browser's RTCIceCandidateInit; an empty `candidate` marks the end of candidates. */
export class IceCandidateInitPayload {
  @IsString()
  @MaxBytes(MAX_CANDIDATE_BYTES)
  @IsWellFormedText()
  candidate!: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @IsWellFormedText()
  sdpMid?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1023)
  sdpMLineIndex?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @IsWellFormedText()
  usernameFragment?: string | null;
}

export class IceCandidatePayload extends RelayPayload {
  @NestedPayload(() => IceCandidateInitPayload)
  @MaxJsonBytes(MAX_CANDIDATE_BYTES)
  candidate!: IceCandidateInitPayload;
}

/** At least one flag; omitted ones keep their value. */
export class UpdateMediaPayload {
  @IsUUID()
  callId!: string;

  @IsOptional()
  @IsBoolean()
  video?: boolean;

  @IsOptional()
  @IsBoolean()
  audio?: boolean;

  @IsOptional()
  @IsBoolean()
  screenShare?: boolean;
}

/** What the browser's getStats() says about the selected candidate pair, about every 10 s. */
export class ConnectionQualityPayload {
  @IsUUID()
  callId!: string;

  @IsNumber(FINITE)
  @Min(0)
  @Max(SAMPLE_LIMITS.rttMs)
  rttMs!: number;

  @IsNumber(FINITE)
  @Min(0)
  @Max(SAMPLE_LIMITS.jitterMs)
  jitterMs!: number;

  @IsNumber(FINITE)
  @Min(0)
  @Max(SAMPLE_LIMITS.packetLossPct)
  packetLossPct!: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(SAMPLE_LIMITS.bitrateKbps)
  bitrateKbps?: number | null;

  @IsOptional()
  @IsIn(CANDIDATE_TYPES)
  candidateType?: CandidateType | null;

  @IsOptional()
  @IsIn(CONNECTION_STATES)
  connectionState?: ConnectionState | null;
}

/** The largest access token accepted on refresh-token (JWTs are well under 2 KB). */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** refresh-token: the newer access token of the same user. */
export class RefreshTokenPayload {
  @IsString()
  @MaxBytes(MAX_TOKEN_BYTES)
  token!: string;
}

cacheValidationMetadata(
  CallRefPayload,
  OfferSdpPayload,
  AnswerSdpPayload,
  OfferPayload,
  AnswerPayload,
  IceCandidateInitPayload,
  IceCandidatePayload,
  UpdateMediaPayload,
  ConnectionQualityPayload,
  RefreshTokenPayload,
);
