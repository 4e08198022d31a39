import type { HttpContext } from '@ody/http';

/** The status an answer will carry: a thrown error's status (HttpError), else 500; 204 for an empty 200. */
export function answerStatus(ctx: HttpContext, error: unknown, failed: boolean): number {
  if (failed) {
    const status = (error as { status?: unknown } | null)?.status;
    return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
  }
  return ctx.statusCode === 200 && ctx.responseBody === undefined ? 204 : ctx.statusCode;
}
