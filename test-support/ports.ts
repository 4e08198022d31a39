// Free TCP ports for tests that must know a port before they start a server (child processes, configs).
import { createServer } from 'node:net';

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
