import type { ProcessErrorCode } from '../errors.js';
import { processInstrumentation } from './instrumentation.js';
import type { Envelope } from './protocol.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Builds the errors an Rpc raises (the child side avoids loading @ody/core to start fast). */
export type ErrorFactory = (code: ProcessErrorCode, message: string, details: Record<string, unknown>) => Error;

/** A request handler: returns (or resolves to) the response. */
export type RequestHandler<TReq = unknown, TRes = unknown> = (request: TReq) => TRes | Promise<TRes>;

/**
 * Request/response over one IPC channel, used on both sides: ids, timeouts, errors carried over.
 * `post` sends an envelope; `describe` names the other side in error messages.
 */
export class Rpc {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  handler: RequestHandler | undefined;

  constructor(
    private readonly post: (envelope: Envelope) => boolean,
    private readonly describe: string,
    private readonly makeError: ErrorFactory,
  ) {}

  /** Send a request; rejects with ODY_PROCESS_REQUEST_TIMEOUT after `timeoutMs`. */
  request<T>(data: unknown, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.makeError('ODY_PROCESS_REQUEST_TIMEOUT', `${this.describe} did not answer request ${id} within ${timeoutMs} ms.`, { id, timeoutMs, target: this.describe }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const headers = processInstrumentation()?.headers?.();
      if (!this.post(headers === undefined ? { ody: 'req', id, data } : { ody: 'req', id, data, h: headers })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(this.makeError('ODY_PROCESS_NOT_CONNECTED', `Cannot send a request to ${this.describe}: the IPC channel is closed.`, { target: this.describe }));
      }
    });
  }

  /** Feed an incoming envelope; returns true when it was a request or response. */
  receive(envelope: Envelope): boolean {
    if (envelope.ody === 'res') {
      const p = this.pending.get(envelope.id);
      if (p === undefined) return true;
      this.pending.delete(envelope.id);
      clearTimeout(p.timer);
      if (envelope.ok) p.resolve(envelope.data);
      else {
        const e = envelope.error;
        p.reject(this.makeError('ODY_PROCESS_REQUEST_FAILED', `${this.describe} failed the request: ${e.name}: ${e.message}`, { remoteName: e.name, remoteCode: e.code, remoteStack: e.stack }));
      }
      return true;
    }
    if (envelope.ody === 'req') {
      void this.answer(envelope.id, envelope.data, envelope.h);
      return true;
    }
    return false;
  }

  private async answer(id: number, data: unknown, headers: Record<string, string> | undefined): Promise<void> {
    try {
      if (this.handler === undefined) {
        throw this.makeError('ODY_PROCESS_NO_HANDLER', `No request handler is registered for requests from ${this.describe}; register one with onRequest().`, { from: this.describe });
      }
      const handler = this.handler;
      const instrumentation = headers === undefined ? undefined : processInstrumentation();
      const result = await (instrumentation?.handle === undefined ? handler(data) : instrumentation.handle(headers!, () => handler(data)));
      this.post({ ody: 'res', id, ok: true, data: result });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      this.post({ ody: 'res', id, ok: false, error: { name: e.name, message: e.message, code: (e as { code?: unknown }).code, stack: e.stack } });
    }
  }

  /** Reject every waiting request (the channel closed). */
  failAll(error: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
