import type { Knex } from 'knex';

/** The schema the connection creates and finds the ledger's objects in. */
export async function currentSchema(knex: Knex): Promise<string> {
  const { rows } = await knex.raw<{ rows: Array<{ schema: string }> }>(
    'SELECT current_schema() AS schema',
  );
  const schema = rows[0]?.schema;
  if (schema === undefined) throw new Error('no current schema');
  return schema;
}
