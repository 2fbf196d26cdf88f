import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

const TREE_SIZE = /^(?:0|[1-9]\d{0,15})$/;
const MESSAGE = 'must be the tree size of a checkpoint (a whole number)';

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'The older checkpoint tree size', example: '1000' })
  @IsString()
  @Matches(TREE_SIZE, { message: `from ${MESSAGE}` })
  from!: string;

  @ApiProperty({ description: 'The newer checkpoint tree size', example: '2000' })
  @IsString()
  @Matches(TREE_SIZE, { message: `to ${MESSAGE}` })
  to!: string;
}
