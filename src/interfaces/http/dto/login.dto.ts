import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsWellFormedText } from '../../validation/well-formed-text.js';

export class LoginDto {
  @ApiProperty({ example: 'provider@demo.test' })
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  @IsWellFormedText()
  email!: string;

  @ApiProperty({ example: 'demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @IsWellFormedText()
  password!: string;
}
