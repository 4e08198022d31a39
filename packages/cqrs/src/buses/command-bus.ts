import type { CommandRecord, AsyncCommandPort, DispatchOptions, DispatchReceipt, WaitOptions } from '../async/types.js';
import { CqrsError } from '../errors.js';
import type { CommandInput, MessageKey, MessageOf, ResultOf } from '../messages/message.js';
import { MessageRegistry } from '../messages/registry.js';
import type { CommandOrQueryHandler } from './handlers.js';
import { SingleHandlerBus } from './single-handler-bus.js';

/**
 * Runs each command through its one handler and the bus middleware; routes async commands to a queue.
 * @example
 * bus.register(PlaceOrder, async (cmd) => orders.place(cmd.sku));
 * const id: string = await bus.execute(new PlaceOrder('sku-1'));
 */
export class CommandBusImpl extends SingleHandlerBus {
  private asyncPort?: AsyncCommandPort;

  constructor(registry: MessageRegistry = new MessageRegistry()) {
    super('command', registry);
  }

  /** Register the one handler of a command type (function or object with execute()). */
  register<K extends MessageKey>(
    command: K,
    handler: CommandOrQueryHandler<MessageOf<K>, ResultOf<MessageOf<K>>>,
    options: { name?: string } = {},
  ): this {
    this.add(command, handler, options.name);
    return this;
  }

  /** Run a command now, in this process, and resolve with its handler's result. */
  execute<R>(command: CommandInput<R>): Promise<R> {
    return this.run(command) as Promise<R>;
  }

  /** Queue an async command; resolves at once with `{ commandId, status: 'queued' }`. */
  dispatch(command: CommandInput<unknown>, options?: DispatchOptions): Promise<DispatchReceipt> {
    return this.port().dispatch(command, options);
  }

  /** The status record of an async command, or undefined when unknown or expired. */
  status(commandId: string): Promise<CommandRecord | undefined> {
    return this.port().status(commandId);
  }

  /** Resolve with the async command's result once it succeeds; throw its recorded error if it fails. */
  wait<R = unknown>(commandId: string, options?: WaitOptions): Promise<R> {
    return this.port().wait(commandId, options) as Promise<R>;
  }

  /** Whether a command type (by name) is routed to a queue. */
  isAsync(name: string): boolean {
    return this.asyncPort?.isAsync(name) ?? false;
  }

  /** @internal Connect the async side (done by cqrsPlugin / createAsyncCommands). */
  attachAsync(port: AsyncCommandPort): void {
    this.asyncPort = port;
  }

  private port(): AsyncCommandPort {
    if (this.asyncPort === undefined) {
      throw new CqrsError(
        'ODY_CQRS_NO_QUEUE',
        'Async commands need a queue: add queuePlugin() before cqrsPlugin(), or call createAsyncCommands().',
      );
    }
    return this.asyncPort;
  }
}
