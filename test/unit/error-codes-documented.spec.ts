import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as applicationErrors from '../../src/application/application.errors.js';
import { ApplicationError } from '../../src/application/application.errors.js';
import * as recordingCryptoPort from '../../src/application/ports/recording-crypto.port.js';
import * as recordingErrors from '../../src/application/recording/recording.errors.js';
import * as callQualityErrors from '../../src/domain/call-quality/call-quality.errors.js';
import * as callErrors from '../../src/domain/call/call.errors.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { toErrorBody } from '../../src/interfaces/http/error.filter.js';

/*
 * docs/errors.md is the list of error codes the API answers. This specification keeps it true:
 * every code the server can answer is documented with its HTTP status, and every documented code
 * exists. Domain errors are found by importing their modules; application and interface codes by
 * reading the sources, since most are built inline where they are thrown.
 */

const ROOT = path.resolve(__dirname, '../..');
const SOCKET_ONLY = '—';

type Status = number | typeof SOCKET_ONLY;

const DOMAIN_ERROR_MODULES: Record<string, Record<string, unknown>> = {
  'src/domain/call/call.errors.ts': callErrors,
  'src/domain/call-quality/call-quality.errors.ts': callQualityErrors,
};

/** Application modules that export error classes with a `code`, or functions that build one. */
const APPLICATION_ERROR_MODULES: Record<string, Record<string, unknown>> = {
  'src/application/application.errors.ts': applicationErrors,
  'src/application/recording/recording.errors.ts': recordingErrors,
  'src/application/ports/recording-crypto.port.ts': recordingCryptoPort,
};

// `DOMAIN.WHAT`, or a bare word such as INTERNAL where the context says it is a code.
const CODE = String.raw`[A-Z][A-Z_]*(?:\.[A-Z][A-Z_]*)?`;
const DOTTED_CODE_LITERAL = /'([A-Z][A-Z_]*\.[A-Z][A-Z_]*)'/g;

function sourceFiles(folder: string, suffix = '.ts'): string[] {
  const absolute = path.join(ROOT, folder);
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix))
    .map((file) => path.posix.join(folder, file.split(path.sep).join('/')))
    .sort();
}

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

function documentedCodes(): Map<string, Status> {
  const documented = new Map<string, Status>();
  const row = /^\|\s*`([^`]+)`\s*\|\s*(\d{3}|—)\s*\|/;
  for (const line of read('docs/errors.md').split('\n')) {
    const match = row.exec(line);
    if (!match) continue;
    const [, code, status] = match as unknown as [string, string, string];
    if (documented.has(code)) throw new Error(`docs/errors.md lists ${code} twice`);
    documented.set(code, status === SOCKET_ONLY ? SOCKET_ONLY : Number(status));
  }
  return documented;
}

/**
 * Builds an error from a class or factory without knowing its parameters. They are ids, statuses
 * and counts, which a string stands in for; one takes a list of ids, for which a list does.
 */
function instantiate(make: (...args: never[]) => unknown, isClass: boolean): unknown {
  for (const placeholder of ['x', ['x']]) {
    const args = [placeholder, placeholder, placeholder] as never[];
    try {
      const Make = make as unknown as new (...args: never[]) => unknown;
      return isClass ? new Make(...args) : make(...args);
    } catch {
      // Try the next kind of placeholder.
    }
  }
  throw new Error(`Could not build an error from ${make.name}`);
}

function isErrorClass(value: unknown): value is new (...args: never[]) => Error {
  return typeof value === 'function' && value.prototype instanceof Error;
}

/** What the sources tell of each code: where it is used, and its HTTP statuses. */
class CodeEvidence {
  readonly statuses = new Map<string, Set<number>>();
  readonly socketCodes = new Set<string>();
  readonly sources = new Map<string, string>();

  add(code: string, source: string, status?: number): void {
    if (!this.sources.has(code)) this.sources.set(code, source);
    const statuses = this.statuses.get(code) ?? new Set<number>();
    if (status !== undefined) statuses.add(status);
    this.statuses.set(code, statuses);
  }

  expectedStatus(code: string): Status | null {
    const statuses = [...(this.statuses.get(code) ?? [])];
    if (statuses.length === 1) return statuses[0] as number;
    if (statuses.length > 1) throw new Error(`${code} is answered with ${statuses.join(' and ')}`);
    return this.socketCodes.has(code) ? SOCKET_ONLY : null;
  }
}

function statusOf(error: DomainError | ApplicationError): number {
  return toErrorBody(error).statusCode;
}

function collectDomainCodes(evidence: CodeEvidence): void {
  for (const [file, module] of Object.entries(DOMAIN_ERROR_MODULES)) {
    for (const [name, value] of Object.entries(module)) {
      if (!isErrorClass(value) || !(value.prototype instanceof DomainError)) continue;
      const error = instantiate(value as never, true) as DomainError;
      evidence.add(error.code, `${file} ${name}`, statusOf(error));
    }
  }
}

/**
 * Error classes whose status a controller picks:
 * `instanceof X` ... `new HttpError(NNN, error.code`.
 */
function statusesChosenByControllers(): Map<string, number> {
  const chosen = new Map<string, number>();
  const pattern = /instanceof (\w+)\)[^]{0,300}?new HttpError\(\s*(\d{3}),\s*error\.code\b/g;
  for (const file of sourceFiles('src/interfaces/http')) {
    for (const [, className, status] of read(file).matchAll(pattern)) {
      chosen.set(className as string, Number(status));
    }
  }
  return chosen;
}

function collectApplicationCodes(evidence: CodeEvidence): void {
  const chosen = statusesChosenByControllers();
  for (const [file, module] of Object.entries(APPLICATION_ERROR_MODULES)) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== 'function' || value === ApplicationError) continue;
      const isClass = isErrorClass(value);
      const error = instantiate(value as never, isClass);
      if (error instanceof ApplicationError) {
        evidence.add(error.code, `${file} ${name}`, statusOf(error));
      } else if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
        evidence.add((error as Error & { code: string }).code, `${file} ${name}`, chosen.get(name));
      }
    }
  }
}

/** Codes written where they are thrown, with the status written beside them where it is. */
function collectInlineCodes(evidence: CodeEvidence): void {
  const withStatus: Array<[RegExp, 'code-then-kind' | 'status-then-code']> = [
    [/new ApplicationError\(\s*([^,]+),\s*'(\w+)'/g, 'code-then-kind'],
    [new RegExp(String.raw`new HttpError\(\s*(\d{3}),\s*'(${CODE})'`, 'g'), 'status-then-code'],
    [new RegExp(String.raw`statusCode: (\d{3}),\s*code: '(${CODE})'`, 'g'), 'status-then-code'],
    [new RegExp(String.raw`^\s*(\d{3}): '(${CODE})',`, 'gm'), 'status-then-code'],
  ];
  const files = [...sourceFiles('src/application'), ...sourceFiles('src/interfaces')];
  for (const file of files) {
    const source = read(file);
    for (const [pattern, shape] of withStatus) {
      for (const [, first, second] of source.matchAll(pattern)) {
        if (shape === 'status-then-code') {
          evidence.add(second as string, file, Number(first));
          continue;
        }
        const kind = second as ApplicationError['kind'];
        for (const [, code] of (first as string).matchAll(DOTTED_CODE_LITERAL)) {
          evidence.add(
            code as string,
            file,
            statusOf(new ApplicationError(code as string, kind, '')),
          );
        }
      }
    }
    for (const [, code] of source.matchAll(DOTTED_CODE_LITERAL)) evidence.add(code as string, file);
    if (file.startsWith('src/interfaces/ws/')) {
      for (const [, code] of source.matchAll(DOTTED_CODE_LITERAL)) {
        evidence.socketCodes.add(code as string);
      }
    }
    for (const [, code] of source.matchAll(new RegExp(String.raw`code: '(${CODE})'`, 'g'))) {
      evidence.add(code as string, file);
    }
  }
}

describe('the error codes in docs/errors.md', () => {
  const documented = documentedCodes();
  const evidence = new CodeEvidence();
  collectDomainCodes(evidence);
  collectApplicationCodes(evidence);
  collectInlineCodes(evidence);

  it('are read from the modules that declare errors, and no such module is left out', () => {
    expect(sourceFiles('src/domain', '.errors.ts')).toEqual(
      Object.keys(DOMAIN_ERROR_MODULES).sort(),
    );
    const declaringCodes = sourceFiles('src/application').filter((file) =>
      /readonly code = '/.test(read(file)),
    );
    for (const file of declaringCodes)
      expect(Object.keys(APPLICATION_ERROR_MODULES)).toContain(file);
  });

  it('come one per domain error class', () => {
    const codes = Object.values(DOMAIN_ERROR_MODULES).flatMap((module) =>
      Object.values(module)
        .filter((value) => isErrorClass(value) && value.prototype instanceof DomainError)
        .map((value) => (instantiate(value as never, true) as DomainError).code),
    );
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('include every code the server can answer, with its HTTP status', () => {
    const missing: string[] = [];
    const wrongStatus: string[] = [];
    for (const [code, source] of evidence.sources) {
      if (!documented.has(code)) {
        missing.push(`${code} (${source})`);
        continue;
      }
      const expected = evidence.expectedStatus(code);
      if (expected !== null && documented.get(code) !== expected) {
        wrongStatus.push(`${code}: documented ${documented.get(code)}, answered ${expected}`);
      }
    }
    expect({ missing, wrongStatus }).toEqual({ missing: [], wrongStatus: [] });
  });

  it('name only codes that exist', () => {
    const unknown = [...documented.keys()].filter((code) => !evidence.sources.has(code));
    expect(unknown).toEqual([]);
  });
});
