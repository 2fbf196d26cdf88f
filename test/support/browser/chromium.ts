import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium (`which chromium`), or CHROMIUM_PATH; never a downloaded browser. Null when
 * there is none: the browser tests then report themselves as skipped.
 */
export function findChromium(): string | null {
  const configured = process.env['CHROMIUM_PATH'];
  if (configured) return configured;
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/**
 * Headless chromium with fake camera and microphone (a test pattern and a beep). By default they
 * need no permission prompt; with `mediaPermission: 'prompt'` the prompt stays, and headless
 * chromium answers it "no", as a user who refuses the camera would. The background-networking
 * flags keep it from calling out of this sandbox.
 */
export function launchChromium(
  executablePath: string,
  options: { mediaPermission?: 'granted' | 'prompt' } = {},
): Promise<Browser> {
  const grant = (options.mediaPermission ?? 'granted') === 'granted';
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      // 15 frames a second: half the encoding work of the default, for a shared 2-core machine.
      '--use-fake-device-for-media-stream=fps=15',
      ...(grant ? ['--use-fake-ui-for-media-stream'] : []),
      '--autoplay-policy=no-user-gesture-required',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
