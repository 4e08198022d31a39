import type { Member } from '../protocol/messages.js';

/** Who sent a client publish or whisper (the sender's member id), when known. */
export interface EventMeta {
  channel: string;
  from?: string;
}

/** A handler of one event on one channel. */
export type ChannelHandler<T> = (data: T, meta: EventMeta) => void;

/** Map of event name → data type, for typed handlers. */
export type ChannelEventMap = Record<string, unknown>;

/** What a channel needs from its client. */
export interface ChannelHost {
  send(message: Record<string, unknown>): Promise<unknown>;
  unsubscribe(channel: string): Promise<void>;
}

/**
 * A channel as the client sees it: typed event handlers, publish/whisper, and for presence channels a
 * live member list.
 * @example
 * const room = await client.subscribe<{ message: { text: string } }>('presence-room');
 * room.on('message', (m) => console.log(m.text));
 * room.onMembers((members) => render(members));
 */
export class ClientChannel<E extends ChannelEventMap = ChannelEventMap> {
  private readonly handlers = new Map<string, Set<ChannelHandler<unknown>>>();
  private readonly memberListeners = new Set<(members: Member[]) => void>();
  private memberMap = new Map<string, Member>();

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
  ) {}

  /** Current members (presence channels; empty otherwise). */
  get members(): Member[] {
    return [...this.memberMap.values()];
  }

  /** Listen to an event; returns a function that removes the handler. */
  on<K extends keyof E & string>(event: K, handler: ChannelHandler<E[K]>): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as ChannelHandler<unknown>);
    return () => set.delete(handler as ChannelHandler<unknown>);
  }

  /** Listen to whispers (`client-<event>` frames) from other members. */
  onWhisper<T = unknown>(event: string, handler: ChannelHandler<T>): () => void {
    return (this.on as (e: string, h: ChannelHandler<T>) => () => void)(`client-${event}`, handler);
  }

  /** Called with the whole member list whenever it changes (and once with the list on join). */
  onMembers(listener: (members: Member[]) => void): () => void {
    this.memberListeners.add(listener);
    return () => this.memberListeners.delete(listener);
  }

  /** Publish (only where the server allows clients to). Resolves on ack. */
  publish<K extends keyof E & string>(event: K, data: E[K]): Promise<void> {
    return this.host.send({ type: 'publish', channel: this.name, event, data }).then(() => undefined);
  }

  /** Send an event to the other members of a private/presence channel. Resolves on ack. */
  whisper(event: string, data?: unknown): Promise<void> {
    return this.host.send({ type: 'whisper', channel: this.name, event, data }).then(() => undefined);
  }

  /** Leave the channel. */
  unsubscribe(): Promise<void> {
    return this.host.unsubscribe(this.name);
  }

  /** @internal the server confirmed a (re)subscription. */
  setMembers(members: Member[] | undefined): void {
    if (!members) return;
    this.memberMap = new Map(members.map((m) => [m.id, m]));
    this.notifyMembers();
  }

  /** @internal a frame for this channel arrived. */
  dispatch(event: string, data: unknown, from: string | undefined): void {
    if (event === 'member_added') {
      const m = data as Member;
      this.memberMap.set(m.id, m);
      this.notifyMembers();
    } else if (event === 'member_removed') {
      this.memberMap.delete((data as Member).id);
      this.notifyMembers();
    }
    const meta: EventMeta = from === undefined ? { channel: this.name } : { channel: this.name, from };
    for (const handler of this.handlers.get(event) ?? []) handler(data, meta);
  }

  private notifyMembers(): void {
    const list = this.members;
    for (const listener of this.memberListeners) listener(list);
  }
}
