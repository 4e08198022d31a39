import { QueueError, type QueueErrorCode } from '../errors.js';

/** A queue error that @ody/http answers as problem+json with `status` (it reads the numeric `status`). */
export class QueueHttpError extends QueueError {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, code: QueueErrorCode, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(code, message, { details });
    this.status = status;
    this.headers = headers;
  }
}
