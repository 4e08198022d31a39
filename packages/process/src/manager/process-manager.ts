import { Emitter, type Logger } from '@ody/core';
import { type ProcessDefinition, type ResolvedDefinition, resolveDefinition } from '../definition.js';
import { ProcessError } from '../errors.js';
import type { InOf, OutOf, ProcessIpc, ReplyOf } from '../ipc/types.js';
import type { ManagerRequestHandler, ProcessManager, ProcessManagerOptions, ProcessTarget } from './api.js';
import type { InstanceRef, ProcessEventListeners, ProcessEventName, ProcessEvents } from './events.js';
import { Instance, type InstanceHost } from './instance.js';
import { type OutputSink, openSink } from './output.js';
import { formatStatusTable, type ProcessStatus, statusOf } from './status.js';

interface Group {
  def: ResolvedDefinition;
  sink: OutputSink;
  instances: Instance[];
}

const nameOf = (target: ProcessTarget<ProcessIpc> | '*'): string => (typeof target === 'string' ? target : target.name);

/** The ProcessManager implementation (internal; build it with createProcessManager). */
class Supervisor implements ProcessManager {
  private readonly groups = new Map<string, Group>();
  private readonly emitter: Emitter<ProcessEventListeners>;
  private readonly handlers = new Map<string, ManagerRequestHandler>();
  private readonly logger: Logger | undefined;
  private readonly host: InstanceHost;
  private exitHook: (() => void) | undefined;
  private closed = false;

  constructor(options: ProcessManagerOptions = {}) {
    this.logger = options.logger;
    this.emitter = new Emitter<ProcessEventListeners>({ ...(options.logger ? { logger: options.logger } : {}), source: 'process manager' });
    this.host = {
      emit: (event, payload) => void this.emitter.emit(event, ...([payload] as Parameters<ProcessEventListeners[typeof event]>)),
      handleRequest: (from, request) => {
        const handler = this.handlers.get(from.name) ?? this.handlers.get('*');
        if (handler === undefined) {
          throw new ProcessError('ODY_PROCESS_NO_HANDLER', `The manager has no onRequest handler for '${from.name}'; call manager.onRequest('${from.name}', handler).`, { details: { name: from.name } });
        }
        return handler(request, from);
      },
      logger: this.logger,
    };
    for (const d of options.processes ?? []) this.define(d);
  }

  /** Add a definition (not started). */
  define(definition: ProcessDefinition): void {
    const def = resolveDefinition(definition);
    if (this.groups.has(def.name)) {
      throw new ProcessError('ODY_PROCESS_DUPLICATE', `A process named '${def.name}' is already defined; names must be unique.`, { details: { name: def.name } });
    }
    this.groups.set(def.name, { def, sink: openSink(this.logger, def.output), instances: [] });
  }

  /** Names of defined processes. */
  names(): string[] {
    return [...this.groups.keys()];
  }

  /** Start every instance of `name` (or of every process) and wait until each is ready. */
  async start(name?: string): Promise<void> {
    this.installExitHook();
    await Promise.all(
      this.select(name).map((g) => {
        while (g.instances.length < g.def.instances) g.instances.push(this.instance(g, g.instances.length));
        for (const i of g.instances) i.start();
        return Promise.all(g.instances.map((i) => i.waitReady()));
      }),
    );
  }

  /** Stop `name` (or everything): stopSignal, then SIGKILL after stopTimeoutMs. */
  async stop(name?: string): Promise<void> {
    await Promise.all(this.select(name).flatMap((g) => g.instances.map((i) => i.stop())));
  }

  /** Stop then start every instance of `name` at once. */
  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  /** Restart instances one at a time; the next stops only after the previous reports ready. */
  async rollingRestart(name: string): Promise<void> {
    for (const i of [...this.group(name).instances]) {
      await i.stop();
      i.start();
      await i.waitReady();
    }
  }

  /** Change the number of instances: new ones start (and are awaited ready), extra ones stop (highest first). */
  async scale(name: string, instances: number): Promise<void> {
    const g = this.group(name);
    if (!Number.isInteger(instances) || instances < 0) {
      throw new ProcessError('ODY_PROCESS_INVALID_DEFINITION', `Cannot scale '${name}' to ${instances}; use an integer ≥ 0.`, { details: { name, instances } });
    }
    g.def.instances = instances;
    const extra = g.instances.splice(instances);
    const added: Instance[] = [];
    while (g.instances.length < instances) {
      const i = this.instance(g, g.instances.length);
      g.instances.push(i);
      added.push(i);
    }
    this.installExitHook();
    for (const i of added) i.start();
    await Promise.all([...extra.reverse().map((i) => i.stop()), ...added.map((i) => i.waitReady())]);
  }

  send<I extends ProcessIpc>(target: ProcessTarget<I>, message: InOf<I>, options: { instance?: number } = {}): number {
    const name = nameOf(target);
    const targets = options.instance === undefined ? this.group(name).instances : [this.one(name, options.instance)];
    return targets.filter((i) => i.send(message)).length;
  }

  request<I extends ProcessIpc>(target: ProcessTarget<I>, message: InOf<I>, options: { instance?: number; timeoutMs?: number } = {}): Promise<ReplyOf<I>> {
    return this.one(nameOf(target), options.instance ?? 0).request<ReplyOf<I>>(message, options.timeoutMs ?? 5_000);
  }

  onRequest<I extends ProcessIpc>(target: ProcessTarget<I> | '*', handler: ManagerRequestHandler<I>): void {
    this.handlers.set(nameOf(target), handler as ManagerRequestHandler);
  }

  onMessage<I extends ProcessIpc>(target: ProcessTarget<I>, listener: (message: OutOf<I>, from: InstanceRef) => void): () => void {
    const name = nameOf(target);
    return this.emitter.on('message', ({ message, ...from }) => {
      if (from.name === name) listener(message as OutOf<I>, from);
    });
  }

  on<K extends ProcessEventName>(event: K, listener: (payload: ProcessEvents[K]) => void): () => void {
    return this.emitter.on(event, listener as ProcessEventListeners[K]);
  }

  /** One row per instance: name, instance, pid, state, restarts, uptime, memory, last exit. */
  status(): ProcessStatus[] {
    const now = Date.now();
    return [...this.groups.values()].flatMap((g) => g.instances.map((i) => statusOf(i, now)));
  }

  /** The status table as aligned text. */
  formatStatus(): string {
    return formatStatusTable(this.status());
  }

  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.closed = true;
    const { signal } = options;
    // Out of time: SIGKILL whatever is still stopping instead of waiting out each stopTimeoutMs.
    const killAll = () => {
      for (const g of this.groups.values()) for (const i of g.instances) i.killNow();
    };
    if (signal?.aborted) killAll();
    else signal?.addEventListener('abort', killAll, { once: true });
    try {
      await this.stop();
    } finally {
      signal?.removeEventListener('abort', killAll);
    }
    for (const g of this.groups.values()) g.sink.file?.end();
    if (this.exitHook !== undefined) process.off('exit', this.exitHook);
    this.exitHook = undefined;
  }

  private instance(g: Group, index: number): Instance {
    return new Instance(g.def, index, this.host, g.sink);
  }

  /** If this process exits without stopping us (uncaught error, process.exit), take the children down too. */
  private installExitHook(): void {
    if (this.closed) throw new ProcessError('ODY_PROCESS_MANAGER_CLOSED', 'This process manager was closed; create a new one to start processes.');
    if (this.exitHook !== undefined) return;
    this.exitHook = () => {
      for (const g of this.groups.values()) for (const i of g.instances) i.killNow();
    };
    process.on('exit', this.exitHook);
  }

  private select(name: string | undefined): Group[] {
    return name === undefined ? [...this.groups.values()] : [this.group(name)];
  }

  private group(name: string): Group {
    const g = this.groups.get(name);
    if (g === undefined) {
      throw new ProcessError('ODY_PROCESS_UNKNOWN', `No process named '${name}' (defined: ${this.names().join(', ') || 'none'}).`, { details: { name } });
    }
    return g;
  }

  private one(name: string, index: number): Instance {
    const i = this.group(name).instances[index];
    if (i === undefined) {
      throw new ProcessError('ODY_PROCESS_UNKNOWN', `Process '${name}' has no instance ${index}.`, { details: { name, instance: index } });
    }
    return i;
  }
}

/**
 * Build a process manager (not started).
 * @example
 * const pm = createProcessManager({ processes: [{ name: 'worker', module: '/app/worker.js', instances: 2 }] });
 * await pm.start();
 * const pong = await pm.request('worker', { ping: 1 }, { timeoutMs: 1000 });
 * await pm.close();
 */
export function createProcessManager(options: ProcessManagerOptions = {}): ProcessManager {
  return new Supervisor(options);
}
