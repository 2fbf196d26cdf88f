import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { CALL_TYPES, type CallType } from '../../../domain/call/call.values.js';
import { OptionalReason } from './reason.dto.js';

export class InitiateCallDto {
  @ApiProperty({ format: 'uuid', description: 'The patient to call' })
  @IsUUID()
  patientId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only for patient-initiated calls' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiProperty({ enum: CALL_TYPES })
  @IsIn(CALL_TYPES)
  type!: CallType;

  @ApiPropertyOptional({ format: 'date-time', description: 'In the future: the call is SCHEDULED' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  scheduledAt?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'false forbids recording this call; true still needs every participant’s consent',
  })
  @IsOptional()
  @IsBoolean()
  recordingEnabled?: boolean;

  @OptionalReason()
  reason?: string;
}
