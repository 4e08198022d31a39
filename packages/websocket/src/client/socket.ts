/** The part of the WebSocket API the client uses (browser WebSocket and `ws` both have it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** A WebSocket constructor (global, `ws`, or one the user passes). */
export type SocketFactory = new (url: string, protocols?: string | string[], options?: unknown) => SocketLike;

/** The global WebSocket when the runtime has one (browsers, Node ≥ 22), else `ws` loaded on demand. */
export async function defaultSocketFactory(): Promise<SocketFactory> {
  const global = (globalThis as { WebSocket?: SocketFactory }).WebSocket;
  if (global) return global;
  const mod = (await import('ws')) as unknown as { default?: SocketFactory; WebSocket?: SocketFactory };
  return (mod.WebSocket ?? mod.default) as SocketFactory;
}
