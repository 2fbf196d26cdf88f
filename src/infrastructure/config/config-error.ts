/** A setting with a problem: the variable it comes from and what is wrong with it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Every problem of a configuration at once, so an operator fixes them in one go rather than one
 * restart at a time.
 */
export class ConfigRefusals extends ConfigError {
  constructor(readonly problems: readonly ConfigError[]) {
    const first = problems[0];
    if (first === undefined) throw new Error('ConfigRefusals needs at least one problem');
    super(first.variable, first.problem);
    this.name = 'ConfigRefusals';
    this.message =
      problems.length === 1
        ? first.message
        : [
            `Invalid configuration (${problems.length} problems):`,
            ...problems.map((each) => `  - ${each.variable} ${each.problem}`),
          ].join('\n');
  }
}

/** The problems of a ConfigError: itself, or each of the refusals it gathers. */
export function configProblems(error: ConfigError): readonly ConfigError[] {
  return error instanceof ConfigRefusals ? error.problems : [error];
}

/** Reads one setting; on a ConfigError, notes the problem and gives the fallback instead. */
export type Attempt = <T>(read: () => T, fallback: T) => T;
