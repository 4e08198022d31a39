import type { Member } from '../protocol/messages.js';

/** A change in who is present, produced when a member's first connection joins or last one leaves. */
export interface PresenceTransition {
  kind: 'member_added' | 'member_removed';
  channel: string;
  member: Member;
  /** The connection whose join/leave caused it (it never hears about itself). */
  connectionId: string;
}

interface Entry {
  member: Member;
  origin: string;
}

/**
 * Presence state of every channel, built from join/leave operations tagged by the server ("origin")
 * that owns the connection. Each server applies every operation exactly once, so all replicas agree
 * once the relay is quiet, and each emits transitions to its own subscribers only.
 */
export class PresenceReplica {
  /** channel → connectionId → entry */
  private readonly channels = new Map<string, Map<string, Entry>>();

  /** Apply a join; returns the transition when this is the member's first connection in the channel. */
  join(channel: string, connectionId: string, member: Member, origin: string): PresenceTransition | undefined {
    let conns = this.channels.get(channel);
    if (!conns) {
      conns = new Map();
      this.channels.set(channel, conns);
    }
    if (conns.has(connectionId)) return undefined;
    const isNew = !this.hasMember(conns, member.id);
    conns.set(connectionId, { member, origin });
    return isNew ? { kind: 'member_added', channel, member, connectionId } : undefined;
  }

  /** Apply a leave; returns the transition when the member's last connection left. */
  leave(channel: string, connectionId: string): PresenceTransition | undefined {
    const conns = this.channels.get(channel);
    const entry = conns?.get(connectionId);
    if (!conns || !entry) return undefined;
    conns.delete(connectionId);
    if (conns.size === 0) this.channels.delete(channel);
    const gone = !this.hasMember(conns, entry.member.id);
    return gone ? { kind: 'member_removed', channel, member: entry.member, connectionId } : undefined;
  }

  /** Remove every connection owned by `origin` (a server that stopped); returns the transitions. */
  dropOrigin(origin: string): PresenceTransition[] {
    const out: PresenceTransition[] = [];
    for (const [channel, conns] of [...this.channels]) {
      for (const [connectionId, entry] of [...conns]) {
        if (entry.origin !== origin) continue;
        const t = this.leave(channel, connectionId);
        if (t) out.push(t);
      }
    }
    return out;
  }

  /** Every join owned by `origin`, to replay to a server that just started. */
  entriesOf(origin: string): Array<{ channel: string; connectionId: string; member: Member }> {
    const out: Array<{ channel: string; connectionId: string; member: Member }> = [];
    for (const [channel, conns] of this.channels) {
      for (const [connectionId, entry] of conns) {
        if (entry.origin === origin) out.push({ channel, connectionId, member: entry.member });
      }
    }
    return out;
  }

  /** Distinct members of a channel (one per member id, first connection's info wins). */
  members(channel: string): Member[] {
    const seen = new Map<string, Member>();
    for (const { member } of this.channels.get(channel)?.values() ?? []) {
      if (!seen.has(member.id)) seen.set(member.id, member);
    }
    return [...seen.values()];
  }

  private hasMember(conns: Map<string, Entry>, memberId: string): boolean {
    for (const entry of conns.values()) if (entry.member.id === memberId) return true;
    return false;
  }
}
