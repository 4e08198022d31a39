import { randomUUID } from 'node:crypto';
import type { Logger } from '@ody/core';
import { Redis, type RedisOptions } from 'ioredis';
import { WebSocketError } from '../../errors.js';
import type { Member } from '../../protocol/messages.js';
import { type Adapter, type AdapterSink, memberFrame } from '../adapter.js';
import { RedisKeys } from './keys.js';
import { joinScript, leaveScript } from './scripts.js';

/** Options of the Redis adapter. */
export interface RedisAdapterOptions {
  /** `redis://…` URL, or ioredis options. Two connections are opened (commands + subscriber). */
  redis: string | RedisOptions;
  /** Key prefix shared by the nodes of one deployment. Default `ody:ws`. */
  prefix?: string;
  /** How often a node refreshes its heartbeat and sweeps dead nodes. Default 1000 ms. */
  heartbeatMs?: number;
  /** A node whose heartbeat is older than this is dead; its members are removed. Default 5000 ms. */
  ttlMs?: number;
  logger?: Logger;
}

interface BusMessage {
  o: string;
  c: string;
  f: string;
  x?: string;
}

interface Entry {
  m: Member;
  n: string;
}

type ScriptedRedis = Redis & {
  odyJoin(a: string, b: string, c: string, d: string, e: string, f: string, g: string): Promise<number>;
  odyLeave(a: string, b: string, c: string, d: string, e: string): Promise<string | null>;
};

/**
 * Joins processes and machines through Redis: publishes travel over pub/sub, presence lives in Redis
 * hashes kept atomic by Lua, and each node refreshes a heartbeat key with a TTL. When a node dies
 * (even by SIGKILL) its key expires and a surviving node removes its members, emitting member_removed.
 */
export class RedisAdapter implements Adapter {
  readonly name = 'redis';
  /** This node's id in Redis. */
  readonly node = randomUUID();
  private readonly keys: RedisKeys;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private cmd?: ScriptedRedis;
  private sub?: Redis;
  private sink?: AdapterSink;
  private timer?: NodeJS.Timeout;
  private countTimer?: NodeJS.Immediate;
  private localCount = 0;
  private readonly held = new Map<string, string>(); // connectionId\nchannel → channel

  constructor(private readonly options: RedisAdapterOptions) {
    this.keys = new RedisKeys(options.prefix ?? 'ody:ws');
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.ttlMs = options.ttlMs ?? 5000;
  }

  async start(sink: AdapterSink): Promise<void> {
    const make = () => {
      const r = typeof this.options.redis === 'string' ? new Redis(this.options.redis) : new Redis(this.options.redis);
      r.on('error', (err) => this.options.logger?.warn({ err }, 'websocket redis adapter connection error'));
      return r;
    };
    const cmd = make() as ScriptedRedis;
    cmd.defineCommand('odyJoin', { numberOfKeys: 3, lua: joinScript });
    cmd.defineCommand('odyLeave', { numberOfKeys: 3, lua: leaveScript });
    const sub = make();
    this.cmd = cmd;
    this.sub = sub;
    this.sink = sink;
    try {
      sub.on('message', (_channel: string, raw: string) => this.receive(raw));
      await sub.subscribe(this.keys.bus);
      await this.heartbeat();
    } catch (err) {
      await this.close();
      throw new WebSocketError('ODY_WS_ADAPTER', `redis adapter could not start: ${(err as Error).message}`, { cause: err });
    }
    this.timer = setInterval(() => {
      this.heartbeat()
        .then(() => this.sweepDeadNodes())
        .catch((err: unknown) => this.options.logger?.warn({ err }, 'websocket redis heartbeat failed'));
    }, this.heartbeatMs);
    this.timer.unref();
  }

  publish(channel: string, frame: string, except?: string): void {
    const message: BusMessage = except === undefined ? { o: this.node, c: channel, f: frame } : { o: this.node, c: channel, f: frame, x: except };
    this.cmd?.publish(this.keys.bus, JSON.stringify(message)).catch((err: unknown) => {
      this.options.logger?.warn({ err, channel }, 'websocket redis publish failed');
    });
  }

  async join(channel: string, connectionId: string, member: Member): Promise<void> {
    const cmd = this.required();
    const entry: Entry = { m: member, n: this.node };
    this.held.set(`${connectionId}\n${channel}`, channel);
    const count = await cmd.odyJoin(
      this.keys.presence(channel),
      this.keys.counts(channel),
      this.keys.held(this.node),
      connectionId,
      JSON.stringify(entry),
      member.id,
      channel,
    );
    if (count === 1) this.broadcastMember('member_added', channel, member, connectionId);
  }

  async leave(channel: string, connectionId: string): Promise<void> {
    this.held.delete(`${connectionId}\n${channel}`);
    await this.leaveOf(this.node, channel, connectionId);
  }

  async members(channel: string): Promise<Member[]> {
    const cmd = this.required();
    const raw = await cmd.hvals(this.keys.presence(channel));
    const entries = raw.map((r) => JSON.parse(r) as Entry);
    const live = await this.liveNodes([...new Set(entries.map((e) => e.n))]);
    const seen = new Map<string, Member>();
    for (const e of entries) if (live.has(e.n) && !seen.has(e.m.id)) seen.set(e.m.id, e.m);
    return [...seen.values()];
  }

  setLocalConnections(count: number): void {
    this.localCount = count;
    this.countTimer ??= setImmediate(() => {
      this.countTimer = undefined;
      this.cmd?.hset(this.keys.connections, this.node, String(this.localCount)).catch(() => undefined);
    });
  }

  async connectionCount(): Promise<number> {
    const all = await this.required().hgetall(this.keys.connections);
    const live = await this.liveNodes(Object.keys(all));
    let total = 0;
    for (const [node, n] of Object.entries(all)) if (live.has(node)) total += Number(n);
    return total;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.countTimer) clearImmediate(this.countTimer);
    const cmd = this.cmd;
    if (cmd && cmd.status === 'ready') {
      for (const [key, channel] of [...this.held]) await this.leave(channel, key.slice(0, key.indexOf('\n'))).catch(() => undefined);
      await cmd
        .multi()
        .del(this.keys.alive(this.node), this.keys.held(this.node))
        .srem(this.keys.nodes, this.node)
        .hdel(this.keys.connections, this.node)
        .exec()
        .catch(() => undefined);
    }
    const sub = this.sub;
    this.sink = undefined;
    this.cmd = undefined;
    this.sub = undefined;
    cmd?.disconnect();
    sub?.disconnect();
  }

  private required(): ScriptedRedis {
    if (!this.cmd) throw new WebSocketError('ODY_WS_ADAPTER', 'the redis adapter is not started (or already closed)');
    return this.cmd;
  }

  private async heartbeat(): Promise<void> {
    await this.required()
      .multi()
      .set(this.keys.alive(this.node), '1', 'PX', this.ttlMs)
      .sadd(this.keys.nodes, this.node)
      .hset(this.keys.connections, this.node, String(this.localCount))
      .exec();
  }

  private async liveNodes(nodes: string[]): Promise<Set<string>> {
    if (nodes.length === 0) return new Set();
    const flags = await this.required().mget(nodes.map((n) => this.keys.alive(n)));
    return new Set(nodes.filter((_, i) => flags[i] !== null));
  }

  /** Remove the members of nodes whose heartbeat expired (one survivor per dead node does it). */
  private async sweepDeadNodes(): Promise<void> {
    const cmd = this.required();
    const nodes = (await cmd.smembers(this.keys.nodes)).filter((n) => n !== this.node);
    const live = await this.liveNodes(nodes);
    for (const dead of nodes.filter((n) => !live.has(n))) {
      const claimed = await cmd.set(this.keys.sweep(dead), this.node, 'PX', this.ttlMs, 'NX');
      if (claimed !== 'OK') continue;
      for (const item of await cmd.smembers(this.keys.held(dead))) {
        const cut = item.indexOf('\n');
        await this.leaveOf(dead, item.slice(0, cut), item.slice(cut + 1));
      }
      await cmd.multi().del(this.keys.held(dead)).srem(this.keys.nodes, dead).hdel(this.keys.connections, dead).exec();
      this.options.logger?.info({ node: dead }, 'websocket redis adapter removed a dead node');
    }
  }

  private async leaveOf(node: string, channel: string, connectionId: string): Promise<void> {
    const entry = await this.required().odyLeave(
      this.keys.presence(channel),
      this.keys.counts(channel),
      this.keys.held(node),
      connectionId,
      channel,
    );
    if (entry) this.broadcastMember('member_removed', channel, (JSON.parse(entry) as Entry).m, connectionId);
  }

  private broadcastMember(kind: 'member_added' | 'member_removed', channel: string, member: Member, connectionId: string): void {
    const frame = memberFrame(kind, channel, member);
    this.sink?.deliver(channel, frame, connectionId);
    this.publish(channel, frame, connectionId);
  }

  private receive(raw: string): void {
    let m: BusMessage;
    try {
      m = JSON.parse(raw) as BusMessage;
    } catch {
      this.options.logger?.warn('websocket redis adapter ignored a malformed bus message');
      return;
    }
    if (m.o === this.node || typeof m.c !== 'string' || typeof m.f !== 'string') return;
    this.sink?.deliver(m.c, m.f, m.x);
  }
}

/**
 * Share channels and presence between processes and machines through Redis (ioredis).
 * @example
 * websocketPlugin({ adapter: () => redisAdapter({ redis: process.env.REDIS_URL! }) });
 */
export function redisAdapter(options: RedisAdapterOptions): Adapter {
  return new RedisAdapter(options);
}
