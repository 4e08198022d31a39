import { type PluginContext, token } from '@ody/core';
import type { AsyncRuntime } from '../async/runtime.js';
import { commandChannel } from '../async/status-events.js';
import type { CqrsConfig } from './config.js';

/** What cqrs needs of @ody/websocket's Broadcaster: one publish method. */
interface ChannelPublisher {
  publish(channel: string, event: string, data?: unknown): void;
}

/**
 * @ody/websocket's `Broadcaster` token (tokens are `Symbol.for` keys, so this is the same key without
 * importing @ody/websocket: cqrs does not depend on it, and an app without WebSocket loads nothing).
 * `status-channel.int.test.ts` checks the key against the real token.
 */
export const BroadcasterKey = token<ChannelPublisher>('@ody/websocket/Broadcaster');

/**
 * When the websocket plugin is in the app, publish every status change this process stores as event
 * `status` (data: the record, as `GET /commands/:id` answers it) on channel `<prefix><commandId>`.
 */
export function publishStatusChanges(ctx: PluginContext<CqrsConfig>, runtime: AsyncRuntime): void {
  const { enabled, prefix } = ctx.config.statusChannel;
  if (!enabled || !ctx.has(BroadcasterKey)) return;
  const broadcaster = ctx.get(BroadcasterKey);
  const off = runtime.events.on('status', (record) => broadcaster.publish(commandChannel(record.id, prefix), 'status', record));
  ctx.onShutdown(off);
  ctx.logger.debug({ prefix }, 'command status changes are published on WebSocket channels');
}
