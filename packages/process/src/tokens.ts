import { type Token, token } from '@ody/core';
import type { ProcessManager } from './manager/process-manager.js';

/** The application's ProcessManager (bound by processPlugin). */
export const ProcessManagerToken: Token<ProcessManager> = token<ProcessManager>('@ody/process/ProcessManager');
