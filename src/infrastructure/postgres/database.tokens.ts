/** Injection tokens of the shared database handles (created once at start-up). */
export const KNEX = Symbol('KNEX');
export const PG_POOL = Symbol('PG_POOL');
