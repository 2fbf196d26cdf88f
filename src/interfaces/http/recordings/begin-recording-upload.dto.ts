import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Min } from 'class-validator';
import {
  RECORDING_CONTENT_TYPES,
  type RecordingContentType,
} from '../../../domain/call/call.values.js';

export class BeginRecordingUploadDto {
  @ApiProperty({ description: 'Plaintext bytes of the whole recording', minimum: 1 })
  @IsInt()
  @Min(1)
  sizeBytes!: number;

  @ApiProperty({ enum: RECORDING_CONTENT_TYPES })
  @IsIn(RECORDING_CONTENT_TYPES)
  contentType!: RecordingContentType;
}
