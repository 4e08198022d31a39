/** Where an async command is in its life. */
export type CommandState = 'queued' | 'running' | 'succeeded' | 'failed';

/** An error as recorded in the status store (JSON-safe). */
export interface RecordedError {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
}

/** The status record of one async command. */
export interface CommandRecord {
  /** The command id returned by dispatch(). */
  readonly id: string;
  /** The registered message name. */
  readonly name: string;
  readonly queue: string;
  readonly state: CommandState;
  /** Handler runs started so far (1 on the first run). */
  readonly attempts: number;
  /** The handler's result, once succeeded. */
  readonly result?: unknown;
  /** The last error, once failed. */
  readonly error?: RecordedError;
  readonly idempotencyKey?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What dispatch() returns at once. */
export interface DispatchReceipt {
  readonly commandId: string;
  /** 'queued' for a new command; a repeated idempotency key returns the existing command's state. */
  readonly status: CommandState;
  /** True when the idempotency key matched an earlier dispatch (nothing new was queued). */
  readonly duplicate: boolean;
}

/** Options of dispatch(). */
export interface DispatchOptions {
  /** Same key → same commandId, and the command runs once. */
  idempotencyKey?: string;
  /** Override the routed queue. */
  queue?: string;
  /** Delay before the command may run, in ms. */
  delayMs?: number;
}

/** Options of wait(). */
export interface WaitOptions {
  /** Give up after this many ms (ODY_CQRS_WAIT_TIMEOUT); default 30 000 (cqrs.waitTimeoutMs). */
  timeoutMs?: number;
}

/** What the command bus delegates async work to (set up by cqrsPlugin or attachAsync). */
export interface AsyncCommandPort {
  isAsync(name: string): boolean;
  dispatch(command: object, options?: DispatchOptions): Promise<DispatchReceipt>;
  status(commandId: string): Promise<CommandRecord | undefined>;
  wait(commandId: string, options?: WaitOptions): Promise<unknown>;
}
