import knexFactory from 'knex';
import { readConfig, type AppConfig } from '../infrastructure/config/app-config.js';
import { ConfigError, ConfigRefusals } from '../infrastructure/config/config-error.js';
import { loadLedgerSigningKey } from '../infrastructure/ledger/ledger-signing-key.js';
import {
  describeDatabaseRole,
  productionRoleRefusal,
} from '../infrastructure/postgres/database-role.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What production needs beyond well-formed settings: a signing key that loads, and a database
 * role that cannot rewrite the ledger. Each refusal names the variable to change.
 */
async function productionRefusals(
  config: AppConfig,
  alreadyRefused: ReadonlySet<string>,
): Promise<ConfigError[]> {
  const refusals: ConfigError[] = [];
  const signingKeyRefused =
    alreadyRefused.has('LEDGER_SIGNING_KEY') || alreadyRefused.has('LEDGER_SIGNING_KEY_FILE');
  if (config.ledger.signingKey.kind === 'file' && !signingKeyRefused) {
    try {
      loadLedgerSigningKey(config.ledger);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      refusals.push(error);
    }
  }
  if (config.database.kind === 'external' && !alreadyRefused.has('DATABASE_URL')) {
    const knex = knexFactory({
      client: 'pg',
      connection: { connectionString: config.database.url, connectionTimeoutMillis: 5000 },
      pool: { min: 0, max: 1 },
    });
    try {
      const refusal = productionRoleRefusal(await describeDatabaseRole(knex));
      if (refusal !== null)
        refusals.push(new ConfigError('DATABASE_URL', `is refused: ${refusal}`));
    } catch (error) {
      refusals.push(
        new ConfigError(
          'DATABASE_URL',
          `could not be reached to check its role: ${(error as Error).message}`,
        ),
      );
    } finally {
      await knex.destroy();
    }
  }
  return refusals;
}

/**
 * Every check start-up makes before opening anything: the settings, and in production what they
 * point at. Throws one ConfigRefusals listing every problem, or answers the configuration.
 */
export async function checkStartup(env: Env): Promise<AppConfig> {
  const { config, problems } = readConfig(env);
  const refusals = [...problems];
  if (config.nodeEnv === 'production') {
    // A variable already refused for its form is not checked again for what it points at.
    const refused = new Set(problems.map((problem) => problem.variable));
    refusals.push(...(await productionRefusals(config, refused)));
  }
  if (refusals.length > 0) throw new ConfigRefusals(refusals);
  return config;
}
