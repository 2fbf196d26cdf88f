import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * Runs `work` under the V8 CPU profiler and writes `<name>.cpuprofile` into `folder`; with no
 * folder it just runs `work`.
 */
export async function profiled<T>(
  folder: string | undefined,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!folder) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
