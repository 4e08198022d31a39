import type { Logger } from '@ody/core';
import type { ProcessDefinition } from '../definition.js';
import type { InOf, OutOf, ProcessIpc, ReplyOf } from '../ipc/types.js';
import type { InstanceRef, ProcessEventName, ProcessEvents } from './events.js';
import type { ProcessStatus } from './status.js';

/** Options of createProcessManager. */
export interface ProcessManagerOptions {
  processes?: readonly ProcessDefinition[];
  /** Receives child output lines and supervision logs. */
  logger?: Logger;
}

/** Answers a child's ctx.request(). */
export type ManagerRequestHandler<I extends ProcessIpc = ProcessIpc> = (request: OutOf<I>, from: InstanceRef) => unknown;

/** A process by name, or by its (typed) definition. */
export type ProcessTarget<I extends ProcessIpc = ProcessIpc> = string | ProcessDefinition<I>;

/**
 * Supervises OS processes: starts N instances per definition, restarts them by policy with backoff,
 * stops them with SIGKILL escalation, and talks to them over IPC. Build one with createProcessManager,
 * or resolve the application's with `app.get(ProcessManager)`.
 */
export interface ProcessManager {
  /** Add a definition (not started). */
  define(definition: ProcessDefinition): void;
  /** Names of defined processes. */
  names(): string[];
  /** Start every instance of `name` (or of every process) and wait until each is ready. */
  start(name?: string): Promise<void>;
  /** Stop `name` (or everything): stopSignal, then SIGKILL after stopTimeoutMs. */
  stop(name?: string): Promise<void>;
  /** Stop then start every instance of `name` at once. */
  restart(name: string): Promise<void>;
  /** Restart instances one at a time; the next stops only after the previous reports ready. */
  rollingRestart(name: string): Promise<void>;
  /** Change the number of instances: new ones start (and are awaited ready), extra ones stop (highest first). */
  scale(name: string, instances: number): Promise<void>;
  /** Send a message to every instance of a process (or one); returns how many it reached. */
  send<I extends ProcessIpc>(target: ProcessTarget<I>, message: InOf<I>, options?: { instance?: number }): number;
  /** Ask one instance (default 0) and wait for its ctx.onRequest answer; rejects after timeoutMs (default 5 s). */
  request<I extends ProcessIpc>(target: ProcessTarget<I>, message: InOf<I>, options?: { instance?: number; timeoutMs?: number }): Promise<ReplyOf<I>>;
  /** Answer ctx.request() from children of a process ('*' for any). */
  onRequest<I extends ProcessIpc>(target: ProcessTarget<I> | '*', handler: ManagerRequestHandler<I>): void;
  /** Receive ctx.send() messages of one process, typed by its definition; returns an unsubscribe function. */
  onMessage<I extends ProcessIpc>(target: ProcessTarget<I>, listener: (message: OutOf<I>, from: InstanceRef) => void): () => void;
  /** Listen to a lifecycle event; returns an unsubscribe function. A throwing listener is logged, never rethrown. */
  on<K extends ProcessEventName>(event: K, listener: (payload: ProcessEvents[K]) => void): () => void;
  /** One row per instance: name, instance, pid, state, restarts, uptime, memory, last exit. */
  status(): ProcessStatus[];
  /** The status table as aligned text. */
  formatStatus(): string;
  /**
   * Stop everything, close output files, and drop the exit hook. When `signal` aborts (the app's shutdown
   * budget ran out) instances still stopping are SIGKILLed at once.
   */
  close(options?: { signal?: AbortSignal }): Promise<void>;
}
