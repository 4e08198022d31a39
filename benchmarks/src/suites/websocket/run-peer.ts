import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Peers of the websocket suite. */
export type PeerName = 'uws-raw' | 'ws-raw' | 'ody-broadcast' | 'ody-node-engine' | 'ody-broadcast-2workers';

/** What one measured run produced. */
export interface RunResult {
  delivered: number;
  expected: number;
  deliveriesPerS: number;
  p99ms: number;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function spawnTs(file: string, args: string[]): ChildProcess {
  const script = fileURLToPath(new URL(file, import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
}

/** Resolves with the first stdout line matching `pred`. */
function lineOf(child: ChildProcess, pred: (line: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`${what}: process exited (${code})`));
    child.once('exit', onExit);
    rl.on('line', (line) => {
      if (!pred(line)) return;
      child.off('exit', onExit);
      rl.close();
      resolve(line);
    });
  });
}

function post(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/**
 * One run of one peer: a fresh server process, `processes` load-generator processes holding
 * `clients` connections in all, `messages` frames published; deliveries/s over the whole fan-out.
 */
export async function runPeer(peer: PeerName, clients: number, processes: number, messages: number): Promise<RunResult> {
  const port = await freePort();
  const server = spawnTs('./server.ts', [peer, String(port)]);
  const loaders: ChildProcess[] = [];
  try {
    await lineOf(server, (l) => l === 'ready', `${peer} server`);
    const mode = peer === 'uws-raw' || peer === 'ws-raw' ? 'raw' : 'ody';
    const per = Math.ceil(clients / processes);
    const results: Promise<string>[] = [];
    for (let p = 0; p < processes; p++) {
      const n = Math.min(per, clients - p * per);
      const child = spawnTs('./clients.ts', [`ws://127.0.0.1:${port}/ws`, String(n), mode, String(messages)]);
      loaders.push(child);
      // Listen for the result line before anything can be published.
      const ready = lineOf(child, (l) => l === 'ready', 'load generator');
      await ready;
      results.push(lineOf(child, (l) => l.startsWith('{'), 'load generator result'));
    }
    const batch = 100;
    if (peer === 'ody-broadcast-2workers') await post(port, `/bench/publish/${messages}/${batch}`);
    else server.stdin!.write(`run ${messages} ${batch}\n`);
    const outs = (await Promise.all(results)).map(
      (l) => JSON.parse(l) as { delivered: number; first: number; last: number; latencies: number[] },
    );
    const delivered = outs.reduce((s, o) => s + o.delivered, 0);
    const start = Math.min(...outs.filter((o) => o.delivered > 0).map((o) => o.first));
    const end = Math.max(...outs.map((o) => o.last));
    const latencies = outs.flatMap((o) => o.latencies).sort((a, b) => a - b);
    const p99 = latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : Number.NaN;
    return { delivered, expected: clients * messages, deliveriesPerS: delivered / ((end - start) / 1000), p99ms: p99 };
  } finally {
    await Promise.all([...loaders.map(kill), kill(server)]);
  }
}
