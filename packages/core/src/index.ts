import 'reflect-metadata';

export { inject, injectable, optional } from 'inversify';
export { z } from 'zod';
export { Application, type ApplicationOptions, type ApplicationState, createApplication } from './app/application.js';
export { type AppConfig, appConfigSchema } from './app/config-schema.js';
export type { ShutdownFailure } from './app/shutdown.js';
export { backoffSchema } from './config/backoff-schema.js';
export type { ConfigIssue } from './config/resolve.js';
export { envNameFor } from './config/resolve.js';
export { currentContext, newId, type OdyContext, runInContext } from './context.js';
export { CoreError, type CoreErrorCode, errorCodes } from './errors.js';
export * from './portable.js';
export { createLogger, type Logger, type LoggerOptions, type LogLevel, logLevels } from './logger.js';
export type { Binder, Newable, PluginContext } from './plugin/context.js';
export { type AnyPlugin, definePlugin, isPlugin, type Plugin, type PluginDefinition } from './plugin/define.js';
export { withTimeout } from './timeout.js';
export { type Token, type TokenType, token, tokenName } from './tokens.js';
export { currentWorker, type WorkerInfo } from './worker.js';
