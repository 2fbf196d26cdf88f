import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
/** The server as `npm start` runs it; tests build it first (`buildOnce()` in beforeAll). */
export const BUILT_MAIN = path.join(ROOT, 'dist/src/main.js');

export interface BuiltServer {
  readonly child: ChildProcess;
  readonly listening: boolean;
  /** Its port, once listening. */
  readonly port: number | null;
  stdout(): string;
  stderr(): string;
}

/** The built server as a child process, until it listens (or exits, or hangs for 120 s). */
export function startBuiltServer(env: Record<string, string>, cwd: string): Promise<BuiltServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_MAIN], {
      cwd,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const server = (listening: boolean, port: number | null): BuiltServer => ({
      child,
      listening,
      port,
      stdout: () => stdout,
      stderr: () => stderr,
    });
    // Well inside a test's own timeout, so that a start that hangs says where it stopped.
    const stuck = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in 120 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 120_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = /"port":(\d+),"msg":"call ledger listening"/.exec(stdout);
      if (listening) {
        clearTimeout(stuck);
        resolve(server(true, Number(listening[1])));
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(stuck);
      resolve(server(false, null));
    });
  });
}

/** SIGTERM, then waits until it has exited; answers its exit code. */
export async function stopBuiltServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  const [code] = (await closed) as [number | null];
  return code;
}

/** The log lines' messages, in order (LOG_FORMAT=json). */
export function logMessages(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}
