export {
  type Backoff,
  type ProcessDefinition,
  processDefinitionSchema,
  type RestartPolicy,
} from './definition.js';
export { errorCodes, ProcessError, type ProcessErrorCode } from './errors.js';
export type { RequestHandler } from './ipc/rpc.js';
export type { InstanceRef, ProcessEventName, ProcessEvents } from './manager/events.js';
export type { InstanceState } from './manager/instance.js';
export { type ManagerRequestHandler, ProcessManager, type ProcessManagerOptions } from './manager/process-manager.js';
export { formatStatusTable, type ProcessStatus } from './manager/status.js';
export { type ProcessPluginOptions, processConfigSchema, processPlugin } from './plugin.js';
export { ProcessManagerToken } from './tokens.js';
