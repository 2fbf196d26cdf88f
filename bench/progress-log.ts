/** Progress goes to stderr, so that stdout holds the report alone. */
export const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
