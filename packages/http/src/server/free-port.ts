import net from 'node:net';

/**
 * A port the OS reports free on `host` right now. Why: uSockets (uWS.js 20.30) sets SO_REUSEADDR and
 * SO_REUSEPORT only when it binds a non-zero port. A server on port 0 therefore leaves its closed
 * connections in TIME_WAIT without SO_REUSEADDR, and a new server on the same port fails with
 * EADDRINUSE for a minute (e.g. a restart in a test). Binding a concrete port avoids that.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
