import { checkStartup } from './composition/startup-checks.js';
import { ConfigError } from './infrastructure/config/config-error.js';
import { takeOverShutdownSignals } from './infrastructure/system/shutdown-signals.js';

async function main(): Promise<void> {
  const signals = takeOverShutdownSignals();
  let config;
  try {
    config = await checkStartup(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Loaded after the checks: a refused start-up answers without loading the whole application.
  const { startServer } = await import('./server.js');
  const server = await startServer(config);
  signals.started((signal) => {
    server.logger.info({ signal }, 'shutting down');
    void server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${(error as Error).message}\n`);
  process.exit(1);
});
