import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  InvalidCursorError,
  USER_DIRECTORY,
  type UserDirectory,
} from '../../../application/ports/user-directory.port.js';
import { Roles } from '../auth/auth.decorators.js';
import { PageQueryDto } from '../dto/page-query.dto.js';
import { HttpError } from '../http-error.js';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(@Inject(USER_DIRECTORY) private readonly users: UserDirectory) {}

  @Get('patients')
  @Roles('provider')
  async patients(@Query() query: PageQueryDto) {
    try {
      const page = await this.users.listByRole('patient', {
        limit: query.limit ?? 20,
        cursor: query.cursor ?? null,
      });
      return { patients: page.users.map(({ id, displayName }) => ({ id, displayName })), nextCursor: page.nextCursor };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new HttpError(400, 'REQUEST.INVALID_CURSOR', error.message);
      throw error;
    }
  }
}
