import WebSocket from 'ws';
import { until } from '../../../../test-support/wait.js';

/** A `ws` client subscribed to `channel`; `frames` records what arrives. */
export async function subscribed(url: string, channel: string): Promise<{ frames: Array<Record<string, unknown>>; ws: WebSocket; close(): void }> {
  const frames: Array<Record<string, unknown>> = [];
  const ws = new WebSocket(url);
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await until('the connected frame', () => frames.some((f) => f.event === 'connected'));
  ws.send(JSON.stringify({ type: 'subscribe', channel }));
  await until(`the subscription to ${channel}`, () => frames.some((f) => f.event === 'subscribed' && f.channel === channel));
  return { frames, ws, close: () => ws.close() };
}
