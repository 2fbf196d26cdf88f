import type pg from 'pg';

/*
 * The advisory lock that makes one writer of a projection at a time, across every instance: the
 * active runner holds it (session level) for as long as it runs. Standby runners only ever *try*
 * it. Anyone else who needs the projection to stand still (a rebuild swapping tables in) *waits*
 * for it; an active runner that sees a waiter finishes its batch, releases the lock and steps
 * back to standby, so the waiter gets it next.
 */

/** The lock key's text; `hashtext` of it is the bigint key. */
export function projectionLockName(projection: string): string {
  return `projection:${projection}`;
}

export async function tryLockProjection(
  client: pg.ClientBase,
  projection: string,
): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
    [projectionLockName(projection)],
  );
  return rows[0]?.locked === true;
}

/** Waits until the lock is ours (queued behind the holder, who is asked to hand over). */
export async function lockProjection(client: pg.ClientBase, projection: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [projectionLockName(projection)]);
}

export async function unlockProjection(client: pg.ClientBase, projection: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock(hashtext($1))', [projectionLockName(projection)]);
}

// A single-bigint advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32 bits,
// objsubid = 1.
const LOCK_ROWS = `FROM pg_locks l
  WHERE l.locktype = 'advisory'
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.objsubid = 1
    AND l.classid = ((hashtext($1)::bigint >> 32) & 4294967295)::oid
    AND l.objid = (hashtext($1)::bigint & 4294967295)::oid`;

/** Whether some session waits for the projection's lock (a standby never does: it only tries). */
export async function projectionLockWanted(
  client: pg.ClientBase,
  projection: string,
): Promise<boolean> {
  const { rows } = await client.query<{ wanted: boolean }>(
    `SELECT EXISTS (SELECT 1 ${LOCK_ROWS} AND NOT l.granted) AS wanted`,
    [projectionLockName(projection)],
  );
  return rows[0]?.wanted === true;
}

/** Whether any session (any instance) holds the projection's lock, i.e. runs it. */
export async function projectionLockHeld(
  client: pg.ClientBase | pg.Pool,
  projection: string,
): Promise<boolean> {
  const { rows } = await client.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 ${LOCK_ROWS} AND l.granted) AS held`,
    [projectionLockName(projection)],
  );
  return rows[0]?.held === true;
}
