import { Body, Controller, Get, HttpCode, Inject, Post, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../domain/shared/actor.js';
import { LoginService } from '../../../application/auth/login.service.js';
import { SessionService } from '../../../application/auth/session.service.js';
import type { SessionTokens } from '../../../application/auth/session-tokens.js';
import type { RequestContext } from '../../../application/request-context.js';
import { DEMO_ACCOUNTS, type DemoAccounts } from '../../../application/auth/demo-accounts.js';
import {
  USER_DIRECTORY,
  type UserDirectory,
} from '../../../application/ports/user-directory.port.js';
import { LoginDto } from '../dto/login.dto.js';
import { RefreshDto } from '../dto/refresh.dto.js';
import { HttpError } from '../http-error.js';
import { CurrentRequestContext } from '../request-context.decorator.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { CurrentActor, CurrentSession, Public, type TokenSession } from './auth.decorators.js';
import { LoginThrottleInterceptor } from './login-throttle.interceptor.js';

/** Login and refresh answer alike. `expiresIn` is the older name of `expiresInSeconds`. */
function presentTokens(tokens: SessionTokens) {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresInSeconds: tokens.expiresInSeconds,
    expiresIn: tokens.expiresInSeconds,
    user: tokens.user,
  };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly logins: LoginService,
    private readonly sessions: SessionService,
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
  @ApiOperation({
    summary: 'Exchange email and password for a session: access and refresh token (rate limited)',
  })
  async login(@Body() body: LoginDto, @CurrentRequestContext() context: RequestContext) {
    return presentTokens(await this.logins.login(body.email, body.password, context));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token (once) for a new access and refresh token',
  })
  async refresh(@Body() body: RefreshDto, @CurrentRequestContext() context: RequestContext) {
    return presentTokens(await this.sessions.refresh(body.refreshToken, context));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: "End the token's session everywhere (its sockets too)" })
  async logout(
    @CurrentRequester() { actor, context }: Requester,
    @CurrentSession() session: TokenSession,
  ): Promise<void> {
    await this.sessions.logout(actor, session.sessionId, context);
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
