import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CALL_STATUSES, type CallStatus } from '../../../domain/call/call.values.js';
import { PageQueryDto } from './page-query.dto.js';

const ISO_INSTANT = { strict: true, strictSeparator: true } as const;

/** Read-your-writes: the `position` a command answered; the query waits (≤ ~5 s) until it is applied. */
export class FreshnessQueryDto {
  @ApiPropertyOptional({ description: 'A ledger position from a command response' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,40}$/, { message: 'minPosition must be a position a command returned' })
  minPosition?: string;
}

export class PagedFreshnessQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'A ledger position from a command response' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,40}$/, { message: 'minPosition must be a position a command returned' })
  minPosition?: string;
}

export class CallHistoryQueryDto extends PagedFreshnessQueryDto {
  @ApiPropertyOptional({
    description: 'One status or a comma-separated list',
    example: 'ENDED,MISSED',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : value,
  )
  @IsIn(CALL_STATUSES, { each: true })
  status?: CallStatus[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Initiated at or after' })
  @IsOptional()
  @IsISO8601(ISO_INSTANT)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Initiated before' })
  @IsOptional()
  @IsISO8601(ISO_INSTANT)
  to?: string;
}

export class StatisticsQueryDto extends FreshnessQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 30 days before `to`' })
  @IsOptional()
  @IsISO8601(ISO_INSTANT)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsISO8601(ISO_INSTANT)
  to?: string;
}

export class StateAtQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'The instant to fold the call up to' })
  @IsISO8601(ISO_INSTANT)
  at!: string;
}

export class AuditEventsQueryDto extends PagedFreshnessQueryDto {
  @ApiPropertyOptional({ description: 'A user id, or "system"' })
  @IsOptional()
  @IsString()
  @Matches(/^(system|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'actorId must be a user id or "system"',
  })
  actorId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  callId?: string;

  @ApiPropertyOptional({ description: 'An event type, e.g. CallEnded or CallDetailsRead' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z]+$/, { message: 'action must be an event type name' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO_INSTANT)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO_INSTANT)
  to?: string;
}
