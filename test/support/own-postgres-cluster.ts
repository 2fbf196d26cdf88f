import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's own PostgreSQL binaries: a server of the test's own, apart from the shared one. */
function debianBin(tool: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  const newest = versions.at(-1);
  if (newest === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return path.join('/usr/lib/postgresql', newest, 'bin', tool);
}

/** As root, PostgreSQL runs as the system's postgres user. */
async function asServerUser(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())),
    run('id', ['-g', 'postgres']).then(({ stdout }) => Number(stdout.trim())),
  ]);
  return { uid, gid };
}

export interface OwnPostgresCluster {
  readonly port: number;
  /** The superuser's URL (the cluster trusts every loopback connection). */
  readonly url: string;
  /** `pg_ctl restart -m fast`: every connection is cut, then the server is back. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
  start(): Promise<void>;
}

/** A cluster of the test's own on `port`, which the test may stop and restart (pg_ctl). */
export async function startOwnPostgresCluster(port: number): Promise<OwnPostgresCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vw-own-pg-'));
  const user = await asServerUser();
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  await run(debianBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust'], user);
  const pgCtl = (...args: string[]) =>
    run(debianBin('pg_ctl'), ['-D', data, '-w', '-t', '60', ...args], user);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`;
  const start = async () => {
    await pgCtl('-l', path.join(dir, 'log'), '-o', options, 'start');
  };
  await start();
  let running = true;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await pgCtl('-l', path.join(dir, 'log'), '-o', options, '-m', 'fast', 'restart');
    },
    async stop() {
      await pgCtl('-m', 'fast', 'stop');
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async remove() {
      if (running) await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
