import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { READ_MODEL_PROJECTIONS } from '../src/projections/read-model-projections.js';
import { withRss, type Measured } from './memory-sampling.js';
import { settle, type ProjectionsLedger } from './projections-rounds.js';
import { log } from './progress-log.js';

/**
 * The live runners catching up from zero on the live tables (emptied first), as after a restart
 * with no checkpoints. `rebuilt` is the events the rebuild applied, printed for comparison.
 */
export async function measureLiveRunners(
  ledger: ProjectionsLedger,
  rebuilt: number,
): Promise<Measured<void>> {
  const { knex, store, pool } = ledger;
  log('live runners: catching up from zero on the live tables (batch 500)');
  await knex.raw(`TRUNCATE calls, call_participants, call_recordings, call_quality_samples,
                  call_daily_stats, audit_log`);
  await knex('projection_checkpoints').whereIn('name', ['read-models', 'audit-log']).delete();
  const head = (await store.headPosition())!;
  const quiet = { info: () => undefined, error: (m: string) => log(m) };
  const list = READ_MODEL_PROJECTIONS.map(
    (p) =>
      new ProjectionRunner(
        p.create((t) => t, { rebuild: false }),
        { store, knex, lockPool: pool, logger: quiet },
      ),
  );
  // The audit log follows every stream, so its runner's count is a fraction of all events.
  const audit = list.find((runner) => runner.name === 'audit-log');
  await settle(knex);
  const measured = await withRss(
    async () => {
      for (const runner of list) runner.start();
      for (const runner of list) await runner.waitFor(head, 900_000);
    },
    () => (audit?.status().eventsApplied ?? 0) / ledger.events,
  );
  for (const runner of list) await runner.stop();
  log(`runners: ${rebuilt} events in ${measured.seconds.toFixed(1)} s`);
  return measured;
}
