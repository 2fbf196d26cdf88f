import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh (works once)' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  refreshToken!: string;
}
