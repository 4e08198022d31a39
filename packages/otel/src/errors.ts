import { defineErrors } from '@ody/core';

const errors = defineErrors('otel', {
  ODY_OTEL_METRICS_UNAVAILABLE: { message: "The metrics endpoint needs the optional peer dependency 'prom-client'; install it (npm i prom-client)." },
});

/** Codes thrown by @ody/otel, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/otel. */
export type OtelErrorCode = keyof typeof errorCodes;

/** Every error raised by @ody/otel. */
export class OtelError extends errors.Error {}
