import {
  ProgressBar,
  formatDuration,
  formatProgress,
} from '../../../src/interfaces/cli/progress-bar.js';

function sink(isTTY: boolean): {
  output: { isTTY: boolean; columns: number; write(t: string): void };
  text: () => string;
} {
  const chunks: string[] = [];
  return {
    output: { isTTY, columns: 200, write: (t: string) => void chunks.push(t) },
    text: () => chunks.join(''),
  };
}

describe('rebuild progress', () => {
  it('shows done / total, rate, ETA and phase', () => {
    expect(
      formatProgress({ phase: 'copying', done: 250_000, total: 1_000_000, elapsedMs: 10_000 }, 8),
    ).toBe(
      '[##------]   25.0%  250,000 / 1,000,000 events  25,000 ev/s  ETA 00:30  elapsed 00:10  copying',
    );
    expect(formatProgress({ phase: 'copying', done: 10, total: null, elapsedMs: 1000 })).toBe(
      '10 events  10 ev/s  elapsed 00:01  copying',
    );
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('redraws one line in place on a terminal', () => {
    let now = 0;
    const { output, text } = sink(true);
    const bar = new ProgressBar(output, { redrawMs: 100 }, () => now);
    bar.update({ phase: 'copying', done: 1, total: 10, elapsedMs: 1 });
    now = 50;
    bar.update({ phase: 'copying', done: 2, total: 10, elapsedMs: 50 }); // too soon: skipped
    now = 200;
    bar.update({ phase: 'copying', done: 5, total: 10, elapsedMs: 200 });
    bar.finish('done');
    const written = text();
    expect(written.split('\r')).toHaveLength(3);
    expect(written).not.toContain('2 / 10');
    expect(written.endsWith('\ndone\n')).toBe(true);
    expect(written.split('\n')).toHaveLength(3);
  });

  it('writes plain lines when not a terminal: every few seconds and at each phase', () => {
    let now = 0;
    const { output, text } = sink(false);
    const bar = new ProgressBar(output, { lineEveryMs: 5000 }, () => now);
    bar.update({ phase: 'copying', done: 1, total: 10, elapsedMs: 1 });
    now = 1000;
    bar.update({ phase: 'copying', done: 2, total: 10, elapsedMs: 1000 });
    now = 1500;
    bar.update({ phase: 'indexing', done: 10, total: 10, elapsedMs: 1500 });
    now = 7000;
    bar.update({ phase: 'indexing', done: 10, total: 10, elapsedMs: 7000 });
    bar.finish('done');
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(text()).not.toContain('\r');
    expect(lines[1]).toContain('indexing');
  });
});
