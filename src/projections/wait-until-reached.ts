/**
 * Resolves true as soon as `reached` does, false after `timeoutMs`. It asks again whenever
 * `progress` is signalled (each listener added to it is called on progress) and every 100 ms in
 * case a signal was missed, one question at a time.
 */
export async function waitUntilReached(
  reached: () => Promise<boolean>,
  progress: Set<() => void>,
  timeoutMs: number,
): Promise<boolean> {
  if (await reached()) return true;
  return new Promise((resolve) => {
    let checking = false;
    const onProgress = (): void => {
      if (checking) return;
      checking = true;
      void reached()
        .then((done) => {
          if (done) finish(true);
        })
        .catch(() => undefined)
        .finally(() => {
          checking = false;
        });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const poll = setInterval(onProgress, 100);
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      clearInterval(poll);
      progress.delete(onProgress);
      resolve(result);
    };
    progress.add(onProgress);
  });
}
