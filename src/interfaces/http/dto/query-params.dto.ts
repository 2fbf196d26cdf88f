import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CALL_STATUSES, type CallStatus } from '../../../domain/call/call.values.js';
import { PageQueryDto } from './page-query.dto.js';

const ISO_INSTANT = { strict: true, strictSeparator: true } as const;

/** An optional ISO-8601 instant in the query string, strictly checked (a real date, `T` between). */
function OptionalInstant(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      format: 'date-time',
      ...(description === undefined ? {} : { description }),
    }),
    IsOptional(),
    IsISO8601(ISO_INSTANT),
  );
}

/** Read-your-writes: the `position` a command answered; the query waits (≤ ~5 s) until it is applied. */
function MinPosition(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: 'A ledger position from a command response' }),
    IsOptional(),
    IsString(),
    Matches(/^\d{1,40}$/, { message: 'minPosition must be a position a command returned' }),
  );
}

export class FreshnessQueryDto {
  @MinPosition()
  minPosition?: string;
}

export class PagedFreshnessQueryDto extends PageQueryDto {
  @MinPosition()
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

  @OptionalInstant('Initiated at or after')
  from?: string;

  @OptionalInstant('Initiated before')
  to?: string;
}

export class StatisticsQueryDto extends FreshnessQueryDto {
  @OptionalInstant('Default: 30 days before `to`')
  from?: string;

  @OptionalInstant('Default: now')
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

  @OptionalInstant()
  from?: string;

  @OptionalInstant()
  to?: string;
}
