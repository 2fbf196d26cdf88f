import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserDeactivation } from '../../../application/auth/user-deactivation.service.js';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { uuidParam } from '../validation.js';

/** Administration of accounts. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly deactivation: UserDeactivation) {}

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a user: no more logins, every session ended, every socket closed',
  })
  async deactivate(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
  ) {
    const { user, sessionsEnded } = await this.deactivation.deactivate(actor, id, context);
    return { id: user.id, role: user.role, active: false, sessionsEnded };
  }
}
