/** @ody/dashboard — a small live web UI for queues and async commands, behind an auth hook. */
export { type DashboardConfig, dashboardConfigSchema } from './config.js';
export { DashboardError, type DashboardErrorCode, errorCodes as dashboardErrorCodes } from './errors.js';
export { dashboardChannel, type DashboardPluginOptions, type DashboardRequest, dashboardPlugin } from './plugin.js';
export type { CommandsView, DashboardSnapshot, FailedJobView, QueueView, RuntimeView } from './snapshot.js';
