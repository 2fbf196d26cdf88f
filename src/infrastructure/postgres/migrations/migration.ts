import type { Knex } from 'knex';

/** A schema change, listed explicitly in `migration-source.ts` so no file discovery is needed. */
export interface Migration {
  readonly name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
