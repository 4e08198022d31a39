/** Who an event is about. */
export interface InstanceRef {
  name: string;
  instance: number;
  pid: number | undefined;
}

/** Lifecycle events of a ProcessManager, with their payloads. */
export interface ProcessEvents {
  /** A child was spawned. */
  started: InstanceRef;
  /** It called ctx.ready() (or spawned, when the definition does not wait for ready). */
  ready: InstanceRef;
  /** It exited (for any reason). */
  exited: InstanceRef & { code: number | null; signal: NodeJS.Signals | null; uptimeMs: number };
  /** It will be started again after `delayMs` (restart policy and backoff). */
  restarting: InstanceRef & { delayMs: number; attempt: number };
  /** It restarted more than maxRestarts times within the window and is left down. */
  errored: InstanceRef & { restarts: number };
  /** It was stopped on request. */
  stopped: InstanceRef;
  /** Its resident memory passed maxMemoryMb; it is being restarted. */
  'memory-exceeded': InstanceRef & { rssMb: number; limitMb: number };
  /** It sent a message with ctx.send(). */
  message: InstanceRef & { message: unknown };
}

/** Name of a ProcessManager event. */
export type ProcessEventName = keyof ProcessEvents;

/** ProcessEvents as listener signatures (the event map of the manager's emitter). */
export type ProcessEventListeners = { [K in ProcessEventName]: (payload: ProcessEvents[K]) => void };
