// Free TCP ports for tests that must know a port before they start a server (child processes, configs).
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * A TCP port that was free on `host` a moment ago (the OS picked it; we closed it again). Prefer
 * listening on port 0 where the code under test allows it; use this when the port must be known first.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when a TCP connection to host:port opens, false when it is refused or fails. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Where a port on this machine answers: on loopback, and on its first non-loopback IPv4 address
 * (`external` is undefined when the machine has none). A loopback-only server gives
 * `{ loopback: true, external: false }` (or `external: undefined`).
 */
export async function reachableFrom(port: number): Promise<{ loopback: boolean; external: boolean | undefined }> {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
  return { loopback: await reachable('127.0.0.1', port), external: address === undefined ? undefined : await reachable(address, port) };
}

/** True when `port` on `host` can be listened on right now (it is closed again before resolving). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A port that is free together with `port + offset` (e.g. a Redis Cluster node and its bus at +10000),
 * both at most 65535. Candidates come from the OS when they fit, else from 20000–55535.
 */
export async function freePortPair(offset: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    let port = await freePort(host);
    if (port + offset > 65535) port = 20_000 + Math.floor(Math.random() * (65535 - offset - 20_000));
    if ((await portIsFree(port, host)) && (await portIsFree(port + offset, host))) return port;
  }
  throw new Error(`no free port pair (port, port + ${offset}) on ${host}`);
}
