import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class ConsentDto {
  @ApiProperty({ description: 'Your own consent to recording: true gives it, false withdraws it' })
  @IsBoolean()
  consented!: boolean;
}
