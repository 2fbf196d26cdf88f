import { createTestDatabase } from '../support/test-database.js';
import pg from 'pg';

describe('test toolchain', () => {
  it('gives a test file a database of its own', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.connectionString });
    await client.connect();
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    await client.end();
    await db.drop();
    expect(rows[0]?.one).toBe(1);
  });
});
