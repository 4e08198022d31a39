import { type Token, token } from '@ody/core';
import type { ProcessManager as ProcessManagerApi } from './manager/api.js';

/** Supervises OS processes (see createProcessManager); the interface of `app.get(ProcessManager)`. */
export type ProcessManager = ProcessManagerApi;
/** The application's ProcessManager (bound by processPlugin). */
export const ProcessManager: Token<ProcessManager> = token<ProcessManager>('@ody/process/ProcessManager');
