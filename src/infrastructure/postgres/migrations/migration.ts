import type { Knex } from 'knex';

/** A schema change, listed explicitly in `migration-source.ts` so no file discovery is needed. */
export interface Migration {
  readonly name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** A schema change that is one SQL script each way. */
export function sqlMigration(name: string, sql: { up: string; down: string }): Migration {
  return {
    name,
    async up(knex) {
      await knex.raw(sql.up);
    },
    async down(knex) {
      await knex.raw(sql.down);
    },
  };
}
