import type { Migration } from './migration.js';

export const usersMigration: Migration = {
  name: '002-users',
  async up(knex) {
    await knex.schema.createTable('users', (table) => {
      table.uuid('id').primary();
      table.text('email').notNullable();
      table.text('role').notNullable();
      table.text('display_name').notNullable();
      table.text('password_hash').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw('CREATE UNIQUE INDEX users_email_unique ON users (lower(email))');
    await knex.raw(
      "ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('provider','patient','admin','auditor','analyst'))",
    );
    await knex.raw('CREATE INDEX users_role_name ON users (role, display_name, id)');
  },
  async down(knex) {
    await knex.schema.dropTable('users');
  },
};
