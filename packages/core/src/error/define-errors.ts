import { OdyError, type OdyErrorOptions } from './ody-error.js';

/** Where defineErrors hides a package's rows on its `errorCodes` object (non-enumerable). */
const ERROR_TABLE = Symbol.for('ody.errors.table');

/** One row of a package's error table. */
export interface ErrorSpec {
  /** HTTP status the error maps to at an HTTP edge (problem+json). Omit for errors that never reach one. */
  readonly status?: number;
  /** What the code means, in one sentence; also the message of a throw that gives none. */
  readonly message: string;
}

/** A package's error table: `{ ODY_PKG_WHAT: { status?, message } }`. */
export type ErrorTable = Readonly<Record<string, ErrorSpec>>;

/** One row of the generated docs (docs/errors.md). */
export interface ErrorDocRow {
  /** Package name as given to defineErrors (`http`, `queue-redis`). */
  readonly package: string;
  readonly code: string;
  readonly status: number | undefined;
  readonly message: string;
}

/** Code → meaning, the shape every package exports as `errorCodes`. */
export type ErrorCodes<C extends string> = { readonly [K in C]: string };

/** An error of one package: an OdyError whose code is one of the package's codes. */
export interface PackageError<C extends string = string> extends OdyError {
  readonly code: C;
}

/** The base class defineErrors returns: `new XError(code, message?, { cause, details })`. */
export interface PackageErrorClass<C extends string> {
  new (code: C, message?: string, options?: OdyErrorOptions): PackageError<C>;
  readonly prototype: PackageError<C>;
  /** True for any OdyError (from any copy of @ody/core), optionally with the given code. */
  is(value: unknown, code?: string): value is OdyError;
}

/** What defineErrors returns. */
export interface DefinedErrors<C extends string> {
  /** Package name (`http`, `queue-redis`). */
  readonly package: string;
  /** The package's error base; extend it once: `export class QueueError extends errors.Error {}`. */
  readonly Error: PackageErrorClass<C>;
  /** Code → meaning; export it from the package as `errorCodes` (docs are generated from it). */
  readonly errorCodes: ErrorCodes<C>;
  /** Rows of the docs table, in declaration order. */
  readonly docRows: readonly ErrorDocRow[];
  /** The HTTP status of a code's row (undefined when it has none); an HTTP edge answers with it. */
  statusOf(code: C): number | undefined;
}

function pascal(pkg: string): string {
  return pkg
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Declare a package's error codes once (fastify's `createError` is the model): returns the package's
 * error base class, its `errorCodes` table and the rows docs/errors.md is generated from.
 * Every class built on it takes one constructor shape: `(code, message?, { cause, details })`;
 * a missing message falls back to the table's.
 * @example
 * const errors = defineErrors('queue', {
 *   ODY_QUEUE_CLOSED: { message: 'The queue was used after close().' },
 * });
 * export const errorCodes = errors.errorCodes;
 * export type QueueErrorCode = keyof typeof errorCodes;
 * export class QueueError extends errors.Error {}
 * throw new QueueError('ODY_QUEUE_CLOSED', `Queue '${name}' is closed.`, { details: { name } });
 */
export function defineErrors<const T extends ErrorTable>(pkg: string, table: T): DefinedErrors<keyof T & string> {
  type C = keyof T & string;
  const rows: ErrorDocRow[] = Object.entries(table).map(([code, spec]) => {
    if (!/^ODY_[A-Z0-9_]+$/.test(code)) throw new TypeError(`defineErrors('${pkg}'): code '${code}' must look like ODY_<PKG>_<WHAT>.`);
    if (typeof spec?.message !== 'string' || spec.message === '') {
      throw new TypeError(`defineErrors('${pkg}'): code '${code}' needs a message.`);
    }
    return Object.freeze({ package: pkg, code, status: spec.status, message: spec.message });
  });
  const meanings: Record<string, string> = {};
  for (const row of rows) meanings[row.code] = row.message;
  Object.defineProperty(meanings, ERROR_TABLE, { value: Object.freeze(rows) });
  const errorCodes = Object.freeze(meanings) as ErrorCodes<C>;

  class PackageBase extends OdyError {
    declare readonly code: C;
    constructor(code: C, message?: string, options?: OdyErrorOptions) {
      super(code, message ?? (table[code] as ErrorSpec | undefined)?.message ?? code, options);
    }
  }
  Object.defineProperty(PackageBase, 'name', { value: `${pascal(pkg)}Error` });
  const statusOf = (code: C) => (table[code] as ErrorSpec | undefined)?.status;
  return Object.freeze({ package: pkg, Error: PackageBase as PackageErrorClass<C>, errorCodes, docRows: Object.freeze(rows), statusOf });
}

/** The doc rows behind an `errorCodes` object made by defineErrors (undefined for a hand-written one). */
export function errorDocRows(errorCodes: object): readonly ErrorDocRow[] | undefined {
  return (errorCodes as Record<symbol, readonly ErrorDocRow[] | undefined>)[ERROR_TABLE];
}
