import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { currentContext } from './context.js';

/** Ody's logger: pino. Child loggers per plugin carry `plugin`. */
export type Logger = PinoLogger;

/** Log levels accepted in config. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino log level. */
export type LogLevel = (typeof logLevels)[number];

/** Options for createLogger. */
export interface LoggerOptions {
  level?: LogLevel;
  name?: string;
  /** Force pretty output on or off; default: pretty when stdout is a TTY and pino-pretty is installed. */
  pretty?: boolean;
  /** Where JSON lines go (tests pass a stream); default stdout. */
  destination?: DestinationStream;
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * Build a pino logger whose every line carries the current correlation/causation ids.
 * @example
 * const log = createLogger({ level: 'debug' }); log.info('ready');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const wantPretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name,
    mixin() {
      const ctx = currentContext();
      if (ctx === undefined) return {};
      return ctx.causationId === undefined
        ? { correlationId: ctx.correlationId }
        : { correlationId: ctx.correlationId, causationId: ctx.causationId };
    },
  };
  if (options.destination !== undefined) return pino(base, options.destination);
  if (wantPretty && prettyAvailable()) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(base);
}
