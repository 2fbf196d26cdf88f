import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { from, switchMap, tap, type Observable } from 'rxjs';
import { LoginThrottle } from '../../../application/auth/login-throttle.js';

/**
 * Counts a login attempt against its address and its account before anything else runs (the
 * body is not validated yet, so the email is taken as sent); clears the account's count once the
 * login succeeds.
 */
@Injectable()
export class LoginThrottleInterceptor implements NestInterceptor {
  constructor(private readonly throttle: LoginThrottle) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const body: unknown = request.body;
    const email =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['email'] : null;
    return from(this.throttle.admit(email, request.ip)).pipe(
      switchMap(() => next.handle()),
      tap({
        next: () => {
          if (typeof email === 'string') void this.throttle.succeeded(email).catch(() => undefined);
        },
      }),
    );
  }
}
