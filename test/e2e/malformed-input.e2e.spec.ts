import { SignJWT } from 'jose';
import { DEMO, TEST_JWT_SECRET, TestServer, type DemoUser } from '../support/test-server.js';

interface BadRequest {
  readonly name: string;
  readonly as?: DemoUser | null;
  /** A hand-made token (forged, expired, ...), signed when the case runs. */
  readonly token?: () => Promise<string> | string;
  readonly method: string;
  /** `:call` is replaced by a live ringing call's id, `:ended` by an ended call's. */
  readonly path: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  /** A refusal on a call is no bad input: it is recorded as one AccessDenied, and only that. */
  readonly recordsRefusal?: true;
}

const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const validCall = { patientId: DEMO.patient.id, type: 'VIDEO' };

async function token(
  claims: Record<string, unknown>,
  options: { expired?: boolean; key?: Uint8Array } = {},
) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims['sub'] ?? DEMO.provider.id))
    .setIssuer('vytalwatch-call-ledger')
    .setAudience('vytalwatch')
    .setIssuedAt();
  jwt.setExpirationTime(options.expired ? Math.floor(Date.now() / 1000) - 60 : '1h');
  return jwt.sign(options.key ?? secret);
}

const big = 'x'.repeat(70 * 1024);
/** Used once in setup, for validCall: reusing it for another body is refused. */
const USED_KEY = 'initiate-once-1';
/** A cursor as this server encodes them, with whatever key a forger chose. */
const cursor = (...key: string[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
const BAD_REQUESTS: readonly BadRequest[] = [
  // Bodies that are not JSON objects
  {
    name: 'malformed JSON',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: '{"patientId":',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.MALFORMED_JSON',
  },
  {
    name: 'JSON array body',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: '[1,2]',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID_BODY',
  },
  {
    name: 'JSON string body',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: '"hello"',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.MALFORMED_JSON',
  },
  {
    name: 'JSON null body',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: 'null',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.MALFORMED_JSON',
  },
  {
    name: 'form-encoded body',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: 'patientId=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'text body',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: 'hi',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body over 64 KB',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, reason: big },
    status: 413,
    code: 'REQUEST.TOO_LARGE',
  },
  // Initiate: wrong types, unknown fields, unknown references
  {
    name: 'missing patientId',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { type: 'VIDEO' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'patientId not a UUID',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, patientId: 'bob' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'patientId a number',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, patientId: 42 },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'unknown call type',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, type: 'HOLOGRAM' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'lower-case call type',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, type: 'video' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'missing type',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { patientId: DEMO.patient.id },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'recordingEnabled as 1',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, recordingEnabled: 1 },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'recordingEnabled as "true"',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, recordingEnabled: 'true' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'scheduledAt not a date',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, scheduledAt: 'tomorrow' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'scheduledAt impossible date',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, scheduledAt: '2026-02-30T10:00:00Z' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'scheduledAt as epoch number',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, scheduledAt: 1790000000000 },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'reason not a string',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, reason: { text: 'x' } },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'reason too long',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, reason: 'r'.repeat(501) },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'unknown field',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, priority: 'high' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'server-owned field status',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, status: 'ENDED' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: '__proto__ field',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: `{"patientId":"${DEMO.patient.id}","type":"VIDEO","__proto__":{"admin":true}}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'patientId of a provider',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, patientId: DEMO.provider2.id },
    status: 400,
    code: 'CALL.UNKNOWN_PATIENT',
  },
  {
    name: 'calling yourself',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, patientId: DEMO.provider.id },
    status: 400,
    code: 'CALL.UNKNOWN_PATIENT',
  },
  {
    name: 'unknown patientId',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, patientId: '9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4' },
    status: 400,
    code: 'CALL.UNKNOWN_PATIENT',
  },
  {
    name: 'bad Idempotency-Key',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    headers: { 'idempotency-key': 'x'.repeat(300) },
    status: 400,
    code: 'REQUEST.INVALID_IDEMPOTENCY_KEY',
  },
  {
    name: 'Idempotency-Key reused for another call type',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, type: 'AUDIO' },
    headers: { 'idempotency-key': USED_KEY },
    status: 422,
    code: 'REQUEST.IDEMPOTENCY_KEY_REUSED',
  },
  {
    name: 'Idempotency-Key reused for another patient',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, patientId: DEMO.patient2.id },
    headers: { 'idempotency-key': USED_KEY },
    status: 422,
    code: 'REQUEST.IDEMPOTENCY_KEY_REUSED',
  },
  {
    name: 'Idempotency-Key reused with a reason added',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, reason: 'follow-up' },
    headers: { 'idempotency-key': USED_KEY },
    status: 422,
    code: 'REQUEST.IDEMPOTENCY_KEY_REUSED',
  },
  // Initiate: who may name whom
  {
    name: 'provider names another provider',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, providerId: DEMO.provider2.id },
    status: 403,
    code: 'CALL.INITIATOR_MISMATCH',
  },
  {
    name: 'provider names an unknown providerId',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, providerId: '9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4' },
    status: 403,
    code: 'CALL.INITIATOR_MISMATCH',
  },
  {
    name: 'provider names a patient as providerId',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    body: { ...validCall, providerId: DEMO.patient2.id },
    status: 403,
    code: 'CALL.INITIATOR_MISMATCH',
  },
  {
    name: 'patient who may not initiate, without providerId',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls',
    body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    status: 403,
    code: 'CALL.PATIENT_INITIATION_DISABLED',
  },
  {
    name: 'patient who may not initiate, with an invalid body',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls',
    body: { patientId: 'bob', type: 'HOLOGRAM', priority: 'high' },
    status: 403,
    code: 'CALL.PATIENT_INITIATION_DISABLED',
  },
  // Free text that is not text
  {
    name: 'reason with a lone high surrogate',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: String.raw`{"patientId":"${DEMO.patient.id}","type":"VIDEO","reason":"pain \ud800 here"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'reason with a lone low surrogate',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: String.raw`{"patientId":"${DEMO.patient.id}","type":"VIDEO","reason":"\udc00"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'reason with NUL',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls',
    rawBody: String.raw`{"patientId":"${DEMO.patient.id}","type":"VIDEO","reason":"a\u0000b"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'decline reason with NUL',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/decline',
    rawBody: String.raw`{"reason":"busy\u0000"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'cancel reason with a lone surrogate',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/cancel',
    rawBody: String.raw`{"reason":"\ud83d"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'login email with NUL',
    as: null,
    method: 'POST',
    path: '/auth/login',
    rawBody: String.raw`{"email":"provider@demo.test\u0000","password":"demo"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'login password with a lone surrogate',
    as: null,
    method: 'POST',
    path: '/auth/login',
    rawBody: String.raw`{"email":"provider@demo.test","password":"\udfff"}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  // Cursors this server never issued
  {
    name: 'history cursor with a date that is not one',
    as: 'provider',
    method: 'GET',
    path: `/webrtc/calls?cursor=${cursor('tomorrow', DEMO.patient.id)}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'history cursor with an impossible date',
    as: 'provider',
    method: 'GET',
    path: `/webrtc/calls?cursor=${cursor('2026-02-30T10:00:00.000Z', DEMO.patient.id)}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'history cursor with SQL for an id',
    as: 'provider',
    method: 'GET',
    path: `/webrtc/calls?cursor=${cursor('2026-01-01T00:00:00.000Z', "x' OR '1'='1")}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'history cursor of the wrong arity',
    as: 'provider',
    method: 'GET',
    path: `/webrtc/calls?cursor=${cursor('2026-01-01T00:00:00.000Z')}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'history cursor that is not base64 JSON',
    as: 'provider',
    method: 'GET',
    path: '/webrtc/calls?cursor=%25%25%25',
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'recordings cursor with an id that is not a UUID',
    as: 'provider',
    method: 'GET',
    path: `/webrtc/calls/:call/recordings?cursor=${cursor('2026-01-01T00:00:00.000Z', 'abc')}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'audit cursor with a position that is not a number',
    as: 'auditor',
    method: 'GET',
    path: `/audit/events?cursor=${cursor('12; DROP TABLE audit_log')}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'audit cursor with a position of 41 digits',
    as: 'auditor',
    method: 'GET',
    path: `/audit/events?cursor=${cursor('9'.repeat(41))}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'directory cursor with NUL in the name',
    as: 'provider',
    method: 'GET',
    path: `/directory/patients?cursor=${cursor('Pat\u0000', DEMO.patient.id)}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  {
    name: 'directory cursor with an id that is not a UUID',
    as: 'provider',
    method: 'GET',
    path: `/directory/patients?cursor=${cursor('Pat', 'not-a-uuid')}`,
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  // Path ids and state
  {
    name: 'call id not a UUID',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/not-a-uuid/answer',
    status: 400,
    code: 'REQUEST.INVALID_ID',
  },
  {
    name: 'call id SQL-ish',
    as: 'patient',
    method: 'POST',
    path: "/webrtc/calls/1'%20OR%201=1/answer",
    status: 400,
    code: 'REQUEST.INVALID_ID',
  },
  {
    name: 'unknown call',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4/answer',
    status: 404,
    code: 'CALL.NOT_FOUND',
    recordsRefusal: true,
  },
  {
    name: 'recording id not a UUID',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/recordings/abc/stop',
    status: 400,
    code: 'REQUEST.INVALID_ID',
  },
  {
    name: 'call id not a UUID on a recording route',
    as: 'provider',
    method: 'GET',
    path: '/webrtc/calls/not-a-uuid/recordings/9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4/media',
    status: 400,
    code: 'REQUEST.INVALID_ID',
  },
  {
    name: 'recording id not a UUID on the legal hold',
    as: 'admin',
    method: 'POST',
    path: '/webrtc/calls/:call/recordings/abc/legal-hold',
    status: 400,
    code: 'REQUEST.INVALID_ID',
  },
  {
    name: 'unknown recording',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/recordings/9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4/stop',
    status: 404,
    code: 'RECORDING.NOT_FOUND',
    recordsRefusal: true,
  },
  {
    name: 'end a ringing call',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/end',
    status: 409,
    code: 'CALL.NOT_IN_PROGRESS',
  },
  {
    name: 'record a ringing call',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/record',
    status: 409,
    code: 'CALL.NOT_IN_PROGRESS',
  },
  {
    name: 'answer an ended call',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:ended/answer',
    status: 409,
    code: 'CALL.ALREADY_FINISHED',
  },
  {
    name: 'consent on an ended call',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:ended/consent',
    body: { consented: true },
    status: 409,
    code: 'CALL.ALREADY_FINISHED',
  },
  {
    name: 'consent as a string',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/consent',
    body: { consented: 'yes' },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'consent missing',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/consent',
    body: {},
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'consent for someone else',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/consent',
    body: { consented: true, userId: DEMO.patient.id },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'answer with unknown field',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/answer',
    body: { force: true },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'decline reason a number',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/decline',
    body: { reason: 5 },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'malformed If-Match',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/answer',
    headers: { 'if-match': 'three' },
    status: 412,
    code: 'LEDGER.MALFORMED_IF_MATCH',
  },
  {
    name: 'stale If-Match',
    as: 'patient',
    method: 'POST',
    path: '/webrtc/calls/:call/answer',
    headers: { 'if-match': '"5"' },
    status: 412,
    code: 'LEDGER.REVISION_MISMATCH',
  },
  // Authentication
  {
    name: 'no token',
    as: null,
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_MISSING',
  },
  {
    name: 'Basic auth instead of Bearer',
    as: null,
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    headers: { authorization: 'Basic cHJvdmlkZXI6ZGVtbw==' },
    status: 401,
    code: 'AUTH.TOKEN_MISSING',
  },
  {
    name: 'garbage token',
    as: null,
    token: () => 'not.a.jwt',
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  {
    name: 'forged token (other key)',
    as: null,
    token: () =>
      token(
        { role: 'provider' },
        { key: new TextEncoder().encode('another-secret-another-secret-another!!') },
      ),
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  {
    name: 'expired token',
    as: null,
    token: () => token({ role: 'provider' }, { expired: true }),
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  {
    name: 'token with unknown role',
    as: null,
    token: () => token({ role: 'superuser' }),
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  {
    name: 'token of this issuer that names no session',
    token: () => token({ role: 'provider' }),
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  {
    name: 'token of a session that never existed',
    token: () => token({ role: 'provider', sid: '00000000-0000-4000-8000-0000000000aa' }),
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.SESSION_ENDED',
  },
  {
    name: 'token without a UUID subject',
    as: null,
    token: () => token({ role: 'provider', sub: 'root' }),
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  {
    name: 'unsigned alg=none token',
    as: null,
    token: () =>
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: DEMO.provider.id, role: 'provider' })).toString('base64url')}.`,
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 401,
    code: 'AUTH.TOKEN_INVALID',
  },
  // Roles
  {
    name: 'auditor initiates',
    as: 'auditor',
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 403,
    code: 'AUTH.ROLE_FORBIDDEN',
  },
  {
    name: 'analyst initiates',
    as: 'analyst',
    method: 'POST',
    path: '/webrtc/calls',
    body: validCall,
    status: 403,
    code: 'AUTH.ROLE_FORBIDDEN',
  },
  {
    name: 'patient lists the directory',
    as: 'patient',
    method: 'GET',
    path: '/directory/patients',
    status: 403,
    code: 'AUTH.ROLE_FORBIDDEN',
  },
  {
    name: 'directory limit 0',
    as: 'provider',
    method: 'GET',
    path: '/directory/patients?limit=0',
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'directory limit text',
    as: 'provider',
    method: 'GET',
    path: '/directory/patients?limit=ten',
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'directory forged cursor',
    as: 'provider',
    method: 'GET',
    path: '/directory/patients?cursor=abc',
    status: 400,
    code: 'REQUEST.INVALID_CURSOR',
  },
  // Login
  {
    name: 'login without password',
    as: null,
    method: 'POST',
    path: '/auth/login',
    body: { email: DEMO.provider.email },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'login with a number password',
    as: null,
    method: 'POST',
    path: '/auth/login',
    body: { email: DEMO.provider.email, password: 1234 },
    status: 400,
    code: 'REQUEST.INVALID',
  },
  {
    name: 'unknown route',
    as: 'provider',
    method: 'POST',
    path: '/webrtc/calls/:call/teleport',
    status: 404,
    code: 'ROUTE.NOT_FOUND',
  },
];

describe('malformed input: a clear 4xx, nothing appended (but a refusal on a call), the server stays up', () => {
  let api: TestServer;
  let liveCallId: string;
  let endedCallId: string;

  beforeAll(async () => {
    api = await TestServer.start();
    const live = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: validCall,
    });
    liveCallId = live.body.id;
    const ended = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: validCall,
    });
    endedCallId = ended.body.id;
    await api.as('provider', 'POST', `/webrtc/calls/${endedCallId}/cancel`);
    const keyed = await api.as('provider', 'POST', '/webrtc/calls', {
      body: validCall,
      headers: { 'idempotency-key': USED_KEY },
    });
    expect(keyed.status).toBe(201);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('has at least 40 kinds of bad input to try', () => {
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BAD_REQUESTS.map((bad) => [bad.name, bad] as const))('%s', async (_name, bad) => {
    // Logging in is recorded in the ledger: the token comes first, then the count.
    const token = bad.token ? await bad.token() : bad.as ? await api.tokenFor(bad.as) : null;
    const before = await api.ledgerEventCount();
    // Bad input is the client's error: nothing about it (a forged cursor's text) is logged as ours.
    const loggedErrors = jest.spyOn(api.server.logger, 'error');
    const path = bad.path.replace(':call', liveCallId).replace(':ended', endedCallId);
    const response = await api.request(bad.method, path, {
      token,
      ...(bad.body !== undefined ? { body: bad.body } : {}),
      ...(bad.rawBody !== undefined ? { rawBody: bad.rawBody } : {}),
      ...(bad.headers ? { headers: bad.headers } : {}),
    });
    expect({
      name: bad.name,
      status: response.status,
      code: (response.body as { code?: string }).code,
    }).toEqual({
      name: bad.name,
      status: bad.status,
      code: bad.code,
    });
    expect(typeof (response.body as { message?: unknown }).message).toBe('string');
    expect(await api.ledgerEventCount()).toBe(before + (bad.recordsRefusal ? 1 : 0));
    expect(loggedErrors).not.toHaveBeenCalled();
    loggedErrors.mockRestore();
    const health = await api.request('GET', '/health');
    expect(health.status).toBe(200);
  });
});
