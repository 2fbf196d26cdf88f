import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  USER_DIRECTORY,
  type UserDirectory,
} from '../../../application/ports/user-directory.port.js';
import { Roles } from '../auth/auth.decorators.js';
import { PageQueryDto, requestedPage } from '../dto/page-query.dto.js';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('directory')
export class DirectoryController {
  constructor(@Inject(USER_DIRECTORY) private readonly users: UserDirectory) {}

  @Get('patients')
  @Roles('provider')
  async patients(@Query() query: PageQueryDto) {
    const page = await this.users.listByRole('patient', requestedPage(query));
    return {
      patients: page.users.map(({ id, displayName }) => ({ id, displayName })),
      nextCursor: page.nextCursor,
    };
  }
}
