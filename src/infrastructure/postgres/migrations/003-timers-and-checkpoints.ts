import type { Migration } from './migration.js';

/**
 * Durable timers (ring timeout, reconnect grace) and projection checkpoints. Timer ids are derived
 * from the event that scheduled them, so replaying that event schedules nothing twice.
 */
export const timersAndCheckpointsMigration: Migration = {
  name: '003-timers-and-checkpoints',
  async up(knex) {
    await knex.schema.createTable('projection_checkpoints', (table) => {
      table.text('name').primary();
      table.text('position').nullable();
      table.bigInteger('events_applied').notNullable().defaultTo(0);
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.schema.createTable('ledger_timers', (table) => {
      table.text('id').primary();
      table.text('kind').notNullable();
      table.text('stream_id').notNullable();
      table.jsonb('payload').notNullable();
      table.timestamp('due_at', { useTz: true }).notNullable();
      table.timestamp('lease_until', { useTz: true }).nullable();
      table.integer('attempts').notNullable().defaultTo(0);
      table.timestamp('fired_at', { useTz: true }).nullable();
      table.text('outcome').nullable();
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw(
      'CREATE INDEX ledger_timers_due ON ledger_timers (due_at) WHERE fired_at IS NULL',
    );
  },
  async down(knex) {
    await knex.schema.dropTable('ledger_timers');
    await knex.schema.dropTable('projection_checkpoints');
  },
};
