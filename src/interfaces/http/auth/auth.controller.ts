import { Body, Controller, Get, HttpCode, Inject, Post, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../domain/shared/actor.js';
import { LoginService } from '../../../application/auth/login.service.js';
import { DEMO_ACCOUNTS, type DemoAccounts } from '../../../application/auth/demo-accounts.js';
import {
  USER_DIRECTORY,
  type UserDirectory,
} from '../../../application/ports/user-directory.port.js';
import { LoginDto } from '../dto/login.dto.js';
import { HttpError } from '../http-error.js';
import { CurrentActor, Public } from './auth.decorators.js';
import { LoginThrottleInterceptor } from './login-throttle.interceptor.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly logins: LoginService,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(DEMO_ACCOUNTS) private readonly demoAccounts: DemoAccounts,
  ) {}

  @Public()
  @Get('demo-users')
  @ApiOperation({
    summary: 'The demo accounts the login page lists (an empty list while demo mode is off)',
  })
  demoUsers() {
    return this.demoAccounts;
  }

  @Public()
  @UseInterceptors(LoginThrottleInterceptor)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access token (rate limited)' })
  async login(@Body() body: LoginDto) {
    const result = await this.logins.login(body.email, body.password);
    return {
      accessToken: result.accessToken,
      expiresIn: result.expiresInSeconds,
      user: result.user,
    };
  }

  @Get('me')
  @ApiBearerAuth()
  async me(@CurrentActor() actor: Actor) {
    const user = await this.users.findById(actor.userId);
    if (!user)
      throw new HttpError(401, 'AUTH.USER_UNKNOWN', 'The token names a user who no longer exists');
    return user;
  }
}
