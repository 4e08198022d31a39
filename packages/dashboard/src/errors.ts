import { defineErrors } from '@ody/core';

const errors = defineErrors('dashboard', {
  ODY_DASHBOARD_NO_AUTH: { message: 'The dashboard is enabled but dashboardPlugin() was given no authorize hook; pass one (it shows job payloads and errors).' },
  ODY_DASHBOARD_UNAUTHORIZED: { status: 401, message: 'The authorize hook refused this request to the dashboard.' },
  ODY_DASHBOARD_CSRF: { status: 403, message: "A dashboard action came without the 'x-ody-dashboard: 1' header (a cross-site form cannot send it)." },
  ODY_DASHBOARD_UNKNOWN_QUEUE: { status: 404, message: 'The dashboard does not show a queue of this name.' },
  ODY_DASHBOARD_UNKNOWN_JOB: { status: 404, message: 'No failed job with this id is in the queue (retried or forgotten already?).' },
});

/** Codes thrown by @ody/dashboard, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/dashboard. */
export type DashboardErrorCode = keyof typeof errorCodes;

/** Every error raised by @ody/dashboard; `status` (from the table) makes @ody/http answer it as problem+json. */
export class DashboardError extends errors.Error {
  /** HTTP status of this code, or undefined for start-up errors. */
  readonly status: number | undefined = errors.statusOf(this.code);
}
