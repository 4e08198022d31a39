import { PresenceReplica } from '../presence/replica.js';
import type { Member } from '../protocol/messages.js';
import { type Adapter, type AdapterSink, memberFrame } from './adapter.js';

/** Adapter for a single server: nothing to relay, presence kept in memory. */
export class LocalAdapter implements Adapter {
  readonly name = 'local';
  private sink?: AdapterSink;
  private readonly presence = new PresenceReplica();
  private count = 0;

  async start(sink: AdapterSink): Promise<void> {
    this.sink = sink;
  }

  publish(): void {
    // one server: the server already delivered locally
  }

  async join(channel: string, connectionId: string, member: Member): Promise<void> {
    const t = this.presence.join(channel, connectionId, member, 'local');
    if (t) this.sink?.deliver(channel, memberFrame(t.kind, channel, t.member), connectionId);
  }

  async leave(channel: string, connectionId: string): Promise<void> {
    const t = this.presence.leave(channel, connectionId);
    if (t) this.sink?.deliver(channel, memberFrame(t.kind, channel, t.member), connectionId);
  }

  async members(channel: string): Promise<Member[]> {
    return this.presence.members(channel);
  }

  setLocalConnections(count: number): void {
    this.count = count;
  }

  async connectionCount(): Promise<number> {
    return this.count;
  }

  async close(): Promise<void> {
    this.sink = undefined;
  }
}

/** A single-server adapter (the default). */
export function localAdapter(): Adapter {
  return new LocalAdapter();
}
