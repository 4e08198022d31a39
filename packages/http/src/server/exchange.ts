import type { HttpResponse } from 'uWebSockets.js';
import type { BodyReader, FlowControl } from '../body/reader.js';
import type { Exchange } from '../context/context.js';
import { HttpServerError } from '../errors.js';
import type { Deadlines } from './deadlines.js';
import { nativeWire, type Wire } from './encoded.js';

/** Counts requests in flight so shutdown can wait for them. */
export interface InFlight {
  inFlight: number;
  settle(): void;
}

const decoder = new TextDecoder();
const noop = () => undefined;

/**
 * The server side of one request: wraps the uWS response, registers onAborted at once, and turns
 * every write after an abort into a no-op.
 */
export class UwsExchange implements Exchange, FlowControl {
  aborted = false;
  /** The response was fully written (or the connection closed). */
  done = false;
  /** Close the connection after the response (limits, draining). */
  closeAfter = false;
  /** True while still inside the uWS request callback (writes are corked by uWS itself). */
  sync = true;
  reader?: BodyReader;
  /** Body deadline (ms since epoch) while registered in `deadlines`; `expire` answers 408. */
  deadline = 0;
  expire: () => void = noop;
  /** requestTimeoutMs deadline of the whole body; `deadline` may come earlier while the upload stalls. */
  absoluteDeadline = 0;
  /** A body that sends nothing for this long (while not paused by us) expires (0: no such bound). */
  bodyIdleMs = 0;
  deadlines?: Deadlines;
  /** Pre-encoded header names and values for the engine in use. */
  wire: Wire = nativeWire;
  /** The upload is paused (uWS res.pause) because the body stream is full. */
  private uploadPaused = false;
  /** An answer is being written: uploads are never paused again. */
  private answering = false;
  private abortFns?: Array<() => void>;
  private watching = false;
  private address?: string;

  constructor(
    readonly res: HttpResponse,
    private readonly tracker: InFlight,
    readonly cookieSecret: string | undefined,
    readonly trustProxy: boolean,
    readonly maxJsonDepth: number,
  ) {
    tracker.inFlight++;
  }

  /**
   * Register uWS onAborted (once). The request handler calls this before the uWS callback returns
   * whenever the response is not finished yet (async handler, body, stream): a response answered
   * synchronously needs no abort handler, which saves a native callback per request.
   */
  watchAbort(): void {
    if (this.watching || this.done) return;
    this.watching = true;
    this.res.onAborted(() => {
      if (this.done) return;
      this.aborted = true;
      this.reader?.fail(new HttpServerError('ODY_HTTP_CLIENT_ABORTED', 'The client aborted the request before its body arrived.'));
      const fns = this.abortFns;
      this.abortFns = undefined;
      this.finish();
      if (fns) for (const fn of fns) fn();
    });
  }

  /** Flow control of the request body stream: pause the upload (socket) while the consumer is behind. */
  pause(): void {
    if (this.uploadPaused || this.answering || !this.writable) return;
    this.uploadPaused = true;
    this.res.pause();
    // Paused by us: silence is our doing, only the whole-body deadline applies.
    if (this.bodyIdleMs > 0) this.deadline = this.absoluteDeadline;
  }

  /** Data arrived (or the upload resumed): push the stall deadline out. */
  touch(): void {
    if (this.bodyIdleMs > 0 && !this.uploadPaused) this.deadline = Math.min(this.absoluteDeadline, Date.now() + this.bodyIdleMs);
  }

  /** Resume a paused upload (a no-op once the response is finished: uWS forbids touching it then). */
  resume(): void {
    if (!this.uploadPaused || !this.writable) return;
    this.uploadPaused = false;
    this.res.resume();
    this.touch();
  }

  /**
   * Called before the answer is written. A body still arriving is not worth reading for nobody:
   * the connection closes after the answer; a paused upload is resumed so uWS can finish cleanly.
   */
  beforeAnswer(): void {
    this.answering = true;
    if (this.reader !== undefined && !this.reader.finished) this.closeAfter = true;
    // Never answer on a paused socket: a keep-alive connection would read nothing more (its next
    // request stalls until uWS's idle close).
    this.resume();
  }

  onAbort(fn: () => void): void {
    this.abortFns ??= [];
    this.abortFns.push(fn);
  }

  remoteAddress(): string {
    if (this.address === undefined) this.address = this.aborted || this.done ? '' : decoder.decode(this.res.getRemoteAddressAsText());
    return this.address;
  }

  /** Mark the response finished (once) and release the in-flight slot. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.deadlines?.delete(this);
    this.tracker.inFlight--;
    this.tracker.settle();
  }

  /** Whether writing is still allowed. */
  get writable(): boolean {
    return !this.aborted && !this.done;
  }
}
