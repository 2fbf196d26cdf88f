import type { Knex } from 'knex';
import { quoteIdentifier } from '../read-model-sql.js';

/*
 * Shadow copies of read-model tables for a rebuild: same columns, defaults, checks, keys and
 * indexes as the live table, under other names. Keys (needed by ON CONFLICT) exist while the shadow
 * is filled; the other indexes are built once, after the bulk of the rows is in. The swap renames
 * the shadow to the live name and gives its keys and indexes the live names, so the schema after a
 * rebuild is exactly the schema before it. Views on the live tables are re-pointed to the new
 * tables and table privileges (and the owner) carried over, in the same transaction.
 */

const SHADOW_SUFFIX = '__rebuild';
const RETIRED_SUFFIX = '__retired';

export function shadowName(name: string): string {
  const shadow = `${name}${SHADOW_SUFFIX}`;
  if (shadow.length > 63) throw new Error(`Name too long for a shadow copy: ${name}`);
  return shadow;
}

interface NamedDefinition {
  readonly name: string;
  readonly definition: string;
}

interface Constraint extends NamedDefinition {
  readonly primaryKey: boolean;
}

export interface ShadowTable {
  readonly live: string;
  readonly shadow: string;
  /** Primary key (created with the shadow), unique and exclusion constraints (after the load). */
  readonly constraints: readonly Constraint[];
  /** Other indexes (`CREATE INDEX` statements for the live table): created after the load. */
  readonly indexes: readonly NamedDefinition[];
  /** The constraints still to add after the load. */
  readonly deferred: readonly Constraint[];
}

async function rows<T>(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const result = await knex.raw<{ rows: T[] }>(sql, bindings as Knex.RawBinding[]);
  return result.rows;
}

/** Drops any leftover shadow, then creates it empty with the live table's keys. */
export async function createShadowTable(
  knex: Knex,
  live: string,
  options: { readonly keysAfterLoad?: boolean } = {},
): Promise<ShadowTable> {
  const shadow = shadowName(live);
  const constraints = await rows<Constraint>(
    knex,
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition, contype = 'p' AS "primaryKey"
       FROM pg_constraint
      WHERE conrelid = ?::regclass AND contype IN ('p', 'u', 'x')
      ORDER BY conname`,
    [live],
  );
  const indexes = await rows<NamedDefinition>(
    knex,
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = ?::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`,
    [live],
  );
  const s = quoteIdentifier(shadow);
  await knex.raw(`DROP TABLE IF EXISTS ${s}`);
  await knex.raw(
    `CREATE TABLE ${s} (LIKE ${quoteIdentifier(live)} INCLUDING ALL EXCLUDING INDEXES)`,
  );
  // Only the primary key now (ON CONFLICT and lookups need it); unique constraints are built after
  // the load, which sorts once instead of inserting at random (a uuid) row by row.
  const early = options.keysAfterLoad ? [] : constraints.filter((c) => c.primaryKey);
  for (const constraint of early) await addConstraint(knex, shadow, constraint);
  return {
    live,
    shadow,
    constraints,
    indexes,
    deferred: constraints.filter((c) => !early.includes(c)),
  };
}

function addConstraintStatement(table: string, constraint: Constraint): string {
  return `ALTER TABLE ${quoteIdentifier(table)} ADD CONSTRAINT ${quoteIdentifier(shadowName(constraint.name))} ${constraint.definition}`;
}

async function addConstraint(knex: Knex, table: string, constraint: Constraint): Promise<void> {
  await knex.raw(addConstraintStatement(table, constraint));
}

const INDEX_DEFINITION = /^CREATE (UNIQUE )?INDEX (\S+) ON (ONLY )?(\S+) USING /;
/** A key on plain columns, which a unique index built beforehand can become. */
const PLAIN_KEY = /^(PRIMARY KEY|UNIQUE) (\([^()]+\))$/;

/** How a filled shadow gets the live table's other constraints and indexes. */
export interface ShadowIndexPlan {
  /** `CREATE [UNIQUE] INDEX` statements, independent of each other: they may run side by side. */
  readonly builds: string[];
  /** Constraints made from the indexes built (instant), or built outright; after the builds. */
  readonly constraints: string[];
}

/**
 * A key is built as a unique index first and then attached as the constraint (`USING INDEX`):
 * `ADD CONSTRAINT` alone would lock the whole table and so wait for, and hold up, every other
 * index being built on it; `CREATE INDEX` does not stop another from being built beside it.
 */
export function shadowIndexPlan(table: ShadowTable): ShadowIndexPlan {
  const builds: string[] = [];
  const constraints: string[] = [];
  const shadow = quoteIdentifier(table.shadow);
  for (const constraint of table.deferred) {
    const key = PLAIN_KEY.exec(constraint.definition);
    if (!key) {
      constraints.push(addConstraintStatement(table.shadow, constraint));
      continue;
    }
    const index = quoteIdentifier(shadowName(constraint.name));
    builds.push(`CREATE UNIQUE INDEX ${index} ON ${shadow} ${key[2] as string}`);
    constraints.push(
      addConstraintStatement(table.shadow, {
        ...constraint,
        definition: `${key[1] as string} USING INDEX ${index}`,
      }),
    );
  }
  for (const index of table.indexes) {
    const match = INDEX_DEFINITION.exec(index.definition);
    if (!match) throw new Error(`Cannot copy index ${index.name}: ${index.definition}`);
    builds.push(
      index.definition.replace(
        INDEX_DEFINITION,
        `CREATE ${match[1] ?? ''}INDEX ${quoteIdentifier(shadowName(index.name))} ON ${shadow} USING `,
      ),
    );
  }
  return { builds, constraints };
}

/**
 * Builds the shadows' indexes, `parallel` statements at a time (each in a transaction of its own
 * with more sort memory), the largest tables' first so that the last builds are short ones; then
 * their constraints; then analyzes the shadows.
 */
export async function indexShadowTables(
  knex: Knex,
  tables: readonly ShadowTable[],
  parallel = 2,
): Promise<void> {
  const sizes = new Map(
    (
      await rows<{ name: string; bytes: string }>(
        knex,
        'SELECT name, pg_relation_size(name::regclass) AS bytes FROM unnest(?::text[]) AS name',
        [`{${tables.map((table) => table.shadow).join(',')}}`],
      )
    ).map((row) => [row.name, Number(row.bytes)]),
  );
  const largestFirst = [...tables].sort(
    (a, b) => (sizes.get(b.shadow) ?? 0) - (sizes.get(a.shadow) ?? 0),
  );
  const plans = largestFirst.map(shadowIndexPlan);
  await sideBySide(
    knex,
    plans.flatMap((plan) => plan.builds),
    parallel,
  );
  for (const statement of plans.flatMap((plan) => plan.constraints)) await knex.raw(statement);
  await sideBySide(
    knex,
    largestFirst.map((table) => `ANALYZE ${quoteIdentifier(table.shadow)}`),
    parallel,
  );
}

/** Runs the statements `parallel` at a time, each in a transaction with more sort memory. */
async function sideBySide(knex: Knex, statements: string[], parallel: number): Promise<void> {
  const queue = [...statements];
  const worker = async (): Promise<void> => {
    for (let statement = queue.shift(); statement !== undefined; statement = queue.shift()) {
      await knex.transaction(async (trx) => {
        await trx.raw("SET LOCAL maintenance_work_mem = '256MB'");
        await trx.raw(statement);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
}

export async function dropShadowTable(knex: Knex, table: ShadowTable): Promise<void> {
  await knex.raw(`DROP TABLE IF EXISTS ${quoteIdentifier(table.shadow)}`);
}

interface DependentView {
  readonly name: string;
  readonly kind: string;
  readonly definition: string;
  readonly options: string[] | null;
}

interface Grant {
  readonly grantee: string;
  readonly privilege: string;
}

/**
 * Puts the shadows in place of the live tables, inside the caller's transaction. Readers of the
 * live tables are waited for (under the transaction's lock_timeout); afterwards they see the new
 * rows. Materialised views on the tables would keep the old ones alive: they make the swap fail.
 */
export async function swapShadowTables(
  trx: Knex.Transaction,
  tables: readonly ShadowTable[],
): Promise<void> {
  const lives = tables.map((table) => table.live);
  const views = await rows<DependentView>(
    trx,
    `SELECT DISTINCT v.oid::regclass::text AS name, v.relkind AS kind,
            pg_get_viewdef(v.oid) AS definition, v.reloptions AS options
       FROM pg_depend d
       JOIN pg_rewrite r ON r.oid = d.objid
       JOIN pg_class v ON v.oid = r.ev_class
      WHERE d.classid = 'pg_rewrite'::regclass
        AND d.refclassid = 'pg_class'::regclass
        AND d.refobjid = ANY(?::regclass[])
        AND v.oid <> ALL(?::regclass[])`,
    [`{${lives.join(',')}}`, `{${lives.join(',')}}`],
  );
  const materialized = views.filter((view) => view.kind !== 'v');
  if (materialized.length > 0) {
    throw new Error(
      `Cannot swap: materialized views depend on the read models (${materialized.map((v) => v.name).join(', ')})`,
    );
  }
  const grants = new Map<string, Grant[]>();
  for (const live of lives) {
    grants.set(
      live,
      await rows<Grant>(
        trx,
        `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee,
                a.privilege_type AS privilege
           FROM pg_class c
           CROSS JOIN LATERAL aclexplode(c.relacl) a
           LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE c.oid = ?::regclass AND a.grantee <> c.relowner`,
        [live],
      ),
    );
  }

  // A rebuild run by a superuser must still leave the tables to their owner (who migrates them).
  const owners = new Map<string, string | null>();
  for (const live of lives) {
    const [owner] = await rows<{ owner: string; mine: boolean }>(
      trx,
      `SELECT quote_ident(pg_get_userbyid(relowner)) AS owner,
              pg_get_userbyid(relowner) = current_user AS mine
         FROM pg_class WHERE oid = ?::regclass`,
      [live],
    );
    owners.set(live, owner === undefined || owner.mine ? null : owner.owner);
  }

  for (const table of tables) {
    const live = quoteIdentifier(table.live);
    await trx.raw(
      `ALTER TABLE ${live} RENAME TO ${quoteIdentifier(`${table.live}${RETIRED_SUFFIX}`)}`,
    );
    await trx.raw(`ALTER TABLE ${quoteIdentifier(table.shadow)} RENAME TO ${live}`);
  }
  // Views are bound to tables, not names: re-create each from its text, now naming the new tables.
  for (const view of views) {
    const options =
      view.options && view.options.length > 0 ? ` WITH (${view.options.join(', ')})` : '';
    await trx.raw(`CREATE OR REPLACE VIEW ${view.name}${options} AS ${view.definition}`);
  }
  for (const table of tables) {
    await trx.raw(`DROP TABLE ${quoteIdentifier(`${table.live}${RETIRED_SUFFIX}`)}`);
    const live = quoteIdentifier(table.live);
    for (const constraint of table.constraints) {
      await trx.raw(
        `ALTER TABLE ${live} RENAME CONSTRAINT ${quoteIdentifier(shadowName(constraint.name))} TO ${quoteIdentifier(constraint.name)}`,
      );
    }
    for (const index of table.indexes) {
      await trx.raw(
        `ALTER INDEX ${quoteIdentifier(shadowName(index.name))} RENAME TO ${quoteIdentifier(index.name)}`,
      );
    }
    for (const grant of grants.get(table.live) ?? []) {
      await trx.raw(`GRANT ${grant.privilege} ON ${live} TO ${grant.grantee}`);
    }
    const owner = owners.get(table.live);
    if (owner !== null && owner !== undefined)
      await trx.raw(`ALTER TABLE ${live} OWNER TO ${owner}`);
  }
}
