import type { Member } from '../protocol/messages.js';

/** How an adapter hands frames to the server it serves. */
export interface AdapterSink {
  /** Deliver a ready JSON frame to this server's local subscribers of `channel`, skipping connection `except`. */
  deliver(channel: string, frame: string, except?: string): void;
}

/**
 * Carries publishes and presence between servers (worker threads, processes, machines). The server
 * always delivers its own publishes locally; `publish` reaches the OTHER servers only.
 */
export interface Adapter {
  /** Short name for logs: `local`, `worker`, `redis`. */
  readonly name: string;
  /** Called once by the server before it accepts connections. */
  start(sink: AdapterSink): Promise<void>;
  /** Relay a frame to every other server's subscribers of `channel`. */
  publish(channel: string, frame: string, except?: string): void;
  /**
   * Record that connection `connectionId` joined presence channel `channel` as `member`. When this makes
   * the member new, every server's subscribers (but `connectionId`) get `member_added`.
   */
  join(channel: string, connectionId: string, member: Member): Promise<void>;
  /** Opposite of join; `member_removed` goes out when the member's last connection leaves. */
  leave(channel: string, connectionId: string): Promise<void>;
  /** Current members of a presence channel, across all servers. */
  members(channel: string): Promise<Member[]>;
  /** This server's open connection count changed. */
  setLocalConnections(count: number): void;
  /** Open connections across all servers. */
  connectionCount(): Promise<number>;
  /** Leave everything this server holds and stop relaying. */
  close(): Promise<void>;
}

/** The member_added / member_removed frame for a channel. */
export function memberFrame(kind: 'member_added' | 'member_removed', channel: string, member: Member): string {
  return JSON.stringify({ event: kind, channel, data: member });
}
