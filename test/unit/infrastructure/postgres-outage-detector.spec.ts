import { RetryLaterError } from '../../../src/application/retry-later.error.js';
import { PostgresOutageDetector } from '../../../src/infrastructure/postgres/postgres-outage-detector.adapter.js';

const detector = new PostgresOutageDetector();

function withCode(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

describe('which database failures mean "try again shortly"', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a connection reset', withCode('ECONNRESET')],
    [
      'an administrator shutdown (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a server still starting (57P03)', withCode('57P03', 'the database system is starting up')],
    ['no connection slot free (53300)', withCode('53300')],
    ['a connection exception (class 08)', withCode('08006')],
    [
      'a connection cut, as knex reports it',
      new Error('select 1 - Connection terminated unexpectedly'),
    ],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    [
      'knex waiting for a free connection',
      new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
    ],
    [
      'every address refused',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
    ],
    [
      'a refusal wrapped as a cause',
      new Error('could not load', { cause: withCode('ECONNREFUSED') }),
    ],
  ])('%s', (_name, error) => {
    const refusal = detector.retryLater(error);
    expect(refusal).toBeInstanceOf(RetryLaterError);
    expect(refusal).toMatchObject({
      code: 'SERVICE.DATABASE_UNAVAILABLE',
      reason: 'busy',
      retryAfterSeconds: 2,
    });
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a permission refusal', withCode('42501', 'permission denied for table ledger_events')],
    ['the ledger refusing a change', withCode('LG001')],
    ['a plain error', new Error('something else')],
    ['not an error at all', 'text'],
    ['a rate limit, already a refusal', new RetryLaterError('AUTH.BUSY', 'busy', 1, 'busy')],
  ])('not %s', (_name, error) => {
    expect(detector.retryLater(error)).toBeNull();
  });
});
