/** Redis key names used by the Redis adapter, all under one prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  /** Pub/sub channel carrying publishes and presence events between nodes. */
  get bus(): string {
    return `${this.prefix}:bus`;
  }
  /** Set of node ids that ever registered (swept when their heartbeat key expires). */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }
  /** Hash nodeId → open connection count. */
  get connections(): string {
    return `${this.prefix}:connections`;
  }
  /** Heartbeat key of a node (expires with the TTL unless refreshed). */
  alive(node: string): string {
    return `${this.prefix}:alive:${node}`;
  }
  /** Set of "channel\nconnectionId" held by a node. */
  held(node: string): string {
    return `${this.prefix}:held:${node}`;
  }
  /** Lock so one survivor sweeps a dead node. */
  sweep(node: string): string {
    return `${this.prefix}:sweep:${node}`;
  }
  /** Hash connectionId → entry of a presence channel. */
  presence(channel: string): string {
    return `${this.prefix}:presence:${channel}`;
  }
  /** Hash memberId → connection count of a presence channel. */
  counts(channel: string): string {
    return `${this.prefix}:counts:${channel}`;
  }
}
