import type pg from 'pg';

/**
 * Runs work on one instance at a time, across every instance sharing the database: the work runs
 * while this session holds the advisory lock `hashtext(name)`, and is skipped (null) while another
 * session holds it.
 */
export function runAloneWithAdvisoryLock(pool: pg.Pool, name: string) {
  return async <T>(work: () => Promise<T>): Promise<T | null> => {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [name],
      );
      if (rows[0]?.locked !== true) return null;
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
      }
    } finally {
      client.release();
    }
  };
}
