import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsWellFormedText } from '../../validation/well-formed-text.js';

const REASON_MAX_LENGTH = 500;

/** An optional free-text reason: bounded, and well-formed text only. */
export function OptionalReason(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH }),
    IsOptional(),
    IsString(),
    MaxLength(REASON_MAX_LENGTH),
    IsWellFormedText(),
  );
}

export class ReasonDto {
  @OptionalReason()
  reason?: string;
}
