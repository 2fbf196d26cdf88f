import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../free-port.js';

export interface RunningTurnServer {
  /** `turn:` URLs for TURN_URLS (UDP and TCP). */
  readonly urls: string[];
  readonly secret: string;
  stop(): Promise<void>;
}

/** Debian's coturn binary, or null when it is not installed (the relayed test is then skipped). */
export function findTurnServer(): string | null {
  const configured = process.env['TURNSERVER_BIN'];
  if (configured) return configured;
  const found = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/**
 * Starts coturn on 127.0.0.1 with TURN REST authentication (`use-auth-secret`), as
 * docs/architecture.md describes it: an empty config file (the packaged one logs to a syslog that
 * is not there), no TLS, loopback peers allowed, a private relay port range and no admin CLI, so
 * runs never collide.
 */
export async function startTurnServer(binary: string, secret: string): Promise<RunningTurnServer> {
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'vytalwatch-coturn-'));
  const config = path.join(directory, 'turnserver.conf');
  writeFileSync(config, '');
  const relayBase = 20000 + Math.floor(Math.random() * 400) * 100;
  const child: ChildProcess = spawn(
    binary,
    [
      '-c',
      config,
      '--log-file=stdout',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=vytalwatch.test',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 99}`,
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      `--pidfile=${path.join(directory, 'turnserver.pid')}`,
      `--userdb=${path.join(directory, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Total General servers')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coturn exited with ${code}:\n${output}`));
    });
  });
  return {
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    secret,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
