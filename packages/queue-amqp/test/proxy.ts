import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy to a broker that a test can cut (drop every live connection) or take down and bring back. */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private down = false;
  /** Connections accepted so far (a reconnect shows up here). */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listen on a free 127.0.0.1 port and forward to host:port. */
  static async start(host: string, port: number): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = createServer((client) => proxy.accept(client, host, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    proxy = new TcpProxy(server, typeof addr === 'object' && addr ? addr.port : 0);
    return proxy;
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.down) {
      client.destroy();
      return;
    }
    this.accepted++;
    const upstream = createConnection({ host, port });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Drop every live connection at once (both sides), as a broken network would. */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** While down, new connections are closed at once. */
  setDown(down: boolean): void {
    this.down = down;
    if (down) this.cut();
  }

  /** Live connections. */
  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The same AMQP URL pointed at the proxy. */
export function viaProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}
