import { DEMO } from './test-server.js';

/** What a request got back: the status, the JSON body, and Retry-After. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfter: string | null;
}

export interface HttpRequest {
  readonly method: string;
  readonly route: string;
  readonly token?: string | null;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * One request to a server in another process: its answer, `hung` when none came within
 * `timeoutMs`, or `unreachable` when no server took the connection (or it was cut).
 */
export async function send(
  baseUrl: string,
  request: HttpRequest,
  timeoutMs = 10_000,
): Promise<HttpAnswer | 'hung' | 'unreachable'> {
  const { method, route, token, body, headers = {} } = request;
  try {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return 'hung';
    // fetch reports a refused or cut connection as "fetch failed", the cause naming the socket error.
    if ((error as Error).message === 'fetch failed') return 'unreachable';
    throw error;
  }
}

/** A demo user's access token (the demo accounts' password is `demo`). */
export async function loginAs(baseUrl: string, user: keyof typeof DEMO): Promise<string> {
  const answer = await send(baseUrl, {
    method: 'POST',
    route: '/auth/login',
    body: { email: DEMO[user].email, password: 'demo' },
  });
  if (typeof answer === 'string' || answer.status !== 200) {
    throw new Error(
      `login as ${user} failed: ${typeof answer === 'string' ? answer : answer.status}`,
    );
  }
  return String(answer.body['accessToken']);
}
