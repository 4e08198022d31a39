import WebSocket from 'ws';

/** A frame as received by a test client. */
export type Frame = Record<string, unknown> & { event?: string; channel?: string; id?: unknown; data?: unknown };

/** A plain `ws` client that records every frame, so tests can wait for what they expect. */
export class RawClient {
  readonly frames: Frame[] = [];
  closeCode?: number;
  private waiters: Array<() => void> = [];
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  /**
   * Open a connection and wait for the server's `connected` frame. With an async authenticate(),
   * uWS 20.30 can close a freshly upgraded socket ~1 ms after open (uWebSockets#1928; the server's
   * code comment in src/server/upgrade.ts has the details): only that case — closed before any frame
   * — is retried, at most twice and said out loud. A server that never sends `connected` still fails.
   */
  static async open(url: string, headers?: Record<string, string>): Promise<RawClient> {
    for (let attempt = 1; ; attempt++) {
      const ws = new WebSocket(url, { headers });
      const client = new RawClient(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      try {
        await client.until(() => client.frames.find((f) => f.event === 'connected') ?? (client.closeCode !== undefined ? 'closed' : undefined), 5_000, 'connected frame');
      } catch (err) {
        ws.terminate();
        throw err;
      }
      if (client.frames.some((f) => f.event === 'connected')) return client;
      if (attempt === 3) throw new Error(`socket closed (${client.closeCode}) before its connected frame, ${attempt} times`);
      console.warn(`[ws test] socket closed (${client.closeCode}) right after an async upgrade (uWebSockets#1928); retrying`);
    }
  }

  get connectionId(): string {
    const frame = this.frames.find((f) => f.event === 'connected');
    if (!frame) throw new Error('not connected yet');
    return (frame.data as { connectionId: string }).connectionId;
  }

  /** Send a raw string or an object as JSON. */
  send(message: string | Record<string, unknown>): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Send a message with a fresh id and wait for its ack or error frame. */
  async request(message: Record<string, unknown>): Promise<Frame> {
    const id = this.nextId++;
    this.send({ ...message, id });
    return this.waitFor((f) => (f.event === 'ack' || f.event === 'error') && f.id === id);
  }

  /** Wait until a frame matching `pred` has arrived (searching all frames so far). */
  waitFor(pred: (f: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    return this.until(() => this.frames.find(pred), timeoutMs, 'frame');
  }

  /** Wait until the socket is closed; resolves with the close code. */
  waitClosed(timeoutMs = 10_000): Promise<number> {
    return this.until(() => this.closeCode, timeoutMs, 'close');
  }

  /** Frames of a given event on a channel. */
  events(event: string, channel?: string): Frame[] {
    return this.frames.filter((f) => f.event === event && (channel === undefined || f.channel === channel));
  }

  close(): void {
    this.ws.terminate();
  }

  private async until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Poll `check` until it returns true (bounded). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Plain HTTP status of an upgrade attempt (to check 401 before the socket opens). */
export function upgradeStatus(url: string, headers?: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('upgrade unexpectedly succeeded'));
    });
    ws.on('error', () => {});
  });
}
