import type { AccessDenial } from '../../application/audit/access-denial-audit.js';
import type { AuthenticatedRequest } from './auth/auth.decorators.js';
import { requestContextOf } from './request-context.decorator.js';

/** Routes that name a call by `:id` (and maybe a recording by `:recordingId`). */
const CALL_ROUTE = /^\/(webrtc|audit)\/calls\/:id(\/|$)/;
/** Reads for a call that name it in the query, as `?callId=`. */
const CALL_QUERY_ROUTES: ReadonlySet<string> = new Set(['/webrtc/ice-servers']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFUSALS = new Set([403, 404]);

const pathId = (value: unknown): string | null =>
  typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;

/** The call a route names, in its path or (for a few reads) its query. */
function namedCall(
  route: string,
  params: Record<string, unknown>,
  query: Record<string, unknown>,
): string | null {
  if (CALL_ROUTE.test(route)) return pathId(params['id']);
  if (CALL_QUERY_ROUTES.has(route)) return pathId(query['callId']);
  return null;
}

/**
 * The refusal to record when a request on a call was answered 403 or 404: by the role check, the
 * call's visibility, or a rule of the call. Nothing when no user was authenticated (a 401 names no
 * actor), when the request names no call, or when its id is no UUID (it names no call either: such
 * requests are refused as malformed once the role check lets them through).
 */
export function callAccessDenial(
  request: AuthenticatedRequest,
  answer: { readonly statusCode: number; readonly code: string },
): AccessDenial | null {
  if (!REFUSALS.has(answer.statusCode) || !request.actor) return null;
  const route = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof route !== 'string') return null;
  const params = request.params as Record<string, unknown>;
  const callId = namedCall(route, params, request.query as Record<string, unknown>);
  if (callId === null) return null;
  const recordingId = route.includes(':recordingId') ? pathId(params['recordingId']) : null;
  if (route.includes(':recordingId') && recordingId === null) return null;
  return {
    callId,
    recordingId,
    code: answer.code,
    status: answer.statusCode,
    method: request.method,
    route,
    actor: { userId: request.actor.userId, role: request.actor.role },
    context: requestContextOf(request),
  };
}
