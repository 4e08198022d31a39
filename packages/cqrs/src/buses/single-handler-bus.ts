import { CqrsError } from '../errors.js';
import { lookupKeyOf, nameOfHandler, nameOfMessage } from '../messages/keys.js';
import type { MessageKey } from '../messages/message.js';
import type { MessageKind, MessageRegistry } from '../messages/registry.js';
import { compose, type Terminal } from '../middleware/compose.js';
import type { MessageInfo, BusMiddleware, BusNext } from '../middleware/types.js';

interface Entry {
  key: MessageKey;
  info: MessageInfo;
  terminal: Terminal;
}

/** Shared by the command and query buses: one handler per message type, a composed pipeline each. */
export abstract class SingleHandlerBus {
  private readonly entries = new Map<unknown, Entry>();
  /** Composed pipeline per lookup key (class or type name); the hot path is one Map.get. */
  private readonly routes = new Map<unknown, BusNext>();
  private readonly middleware: BusMiddleware[] = [];

  protected constructor(
    private readonly kind: Exclude<MessageKind, 'event'>,
    /** Names ↔ types of every message this bus knows. */
    readonly registry: MessageRegistry,
  ) {}

  /** Add middleware (outermost first). Every route is recomposed once, here, not per call. */
  use(...middleware: BusMiddleware[]): this {
    this.middleware.push(...middleware);
    for (const [lookup, entry] of this.entries) this.routes.set(lookup, compose(this.middleware, entry.terminal, entry.info));
    return this;
  }

  /** Register the single handler of a message type; a second one throws naming both. */
  protected add(key: MessageKey, handler: unknown, handlerName?: string): void {
    const registered = this.registry.register(this.kind, key);
    const lookup = lookupKeyOf(key);
    const name = handlerName ?? nameOfHandler(handler);
    const existing = this.entries.get(lookup);
    if (existing !== undefined) {
      throw new CqrsError(
        'ODY_CQRS_DUPLICATE_HANDLER',
        `${this.label()} '${registered.name}' has two handlers: '${existing.info.handler}' and '${name}'. Exactly one is allowed.`,
        { details: { message: registered.name, handlers: [existing.info.handler, name] } },
      );
    }
    const terminal = terminalOf(handler, registered.name, this.kind);
    const info: MessageInfo = { kind: this.kind, name: registered.name, handler: name, key, schema: registered.schema };
    this.entries.set(lookup, { key, info, terminal });
    this.routes.set(lookup, compose(this.middleware, terminal, info));
  }

  /** Whether a handler is registered for the message type. */
  hasHandler(key: MessageKey): boolean {
    return this.entries.has(lookupKeyOf(key));
  }

  /**
   * Start-up check: every registered message of this kind (except `except`) has a handler.
   * Throws one error naming every message without one.
   */
  assertHandled(except: (name: string) => boolean = () => false): void {
    const missing = this.registry
      .list()
      .filter((m) => m.kind === this.kind && !this.entries.has(lookupKeyOf(m.key)) && !except(m.name))
      .map((m) => m.name);
    if (missing.length > 0) {
      throw new CqrsError(
        'ODY_CQRS_NO_HANDLER',
        `${this.label()} ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no handler. Register one with @${this.kind === 'command' ? 'Command' : 'Query'}Handler or bus.register().`,
        { details: { messages: missing } },
      );
    }
  }

  /** Run a message through its composed pipeline. */
  protected run(message: object): Promise<unknown> {
    if (message === null || typeof message !== 'object') return Promise.reject(this.invalid(message));
    const route = this.routes.get(message.constructor) ?? this.routes.get((message as { type?: unknown }).type);
    if (route === undefined) return Promise.reject(this.unrouted(message));
    return route(message);
  }

  /** The info of a message type's route, if it has a handler. */
  infoOf(key: MessageKey): MessageInfo | undefined {
    return this.entries.get(lookupKeyOf(key))?.info;
  }

  private label(): string {
    return this.kind === 'command' ? 'Command' : 'Query';
  }

  private invalid(value: unknown): CqrsError {
    return new CqrsError('ODY_CQRS_INVALID_MESSAGE', `${this.label()} bus was given ${String(value)}, which is not a message.`);
  }

  private unrouted(message: object): CqrsError {
    let name: string;
    try {
      name = nameOfMessage(message);
    } catch (err) {
      return err as CqrsError;
    }
    return new CqrsError('ODY_CQRS_NO_HANDLER', `${this.label()} '${name}' has no handler registered on this bus.`, {
      details: { message: name },
    });
  }
}

/** A handler function or `execute()` object as a plain terminal function, bound once. */
function terminalOf(handler: unknown, message: string, kind: string): Terminal {
  if (typeof handler === 'function') return handler as Terminal;
  if (typeof handler === 'object' && handler !== null && typeof (handler as { execute?: unknown }).execute === 'function') {
    const obj = handler as { execute(m: object): unknown };
    return (m) => obj.execute(m);
  }
  throw new CqrsError(
    'ODY_CQRS_INVALID_HANDLER',
    `The handler given for ${kind} '${message}' is neither a function nor an object with execute().`,
    { details: { message } },
  );
}
