import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class IceServersQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The call the connection is for: checked against the ledger itself',
  })
  @IsOptional()
  @IsUUID()
  callId?: string;
}
