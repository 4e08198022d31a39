import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { median } from '../measure.js';
import type { Row, Suite } from '../types.js';
import { cpuMicrosPerRequest, cpuSeconds } from './http/cpu.js';
import { type LoadResult, load, loadTool } from './http/load.js';

const peerNames = ['uws-raw', 'ody-route', 'ody-controller', 'ody-otel-nosdk', 'ody-node-engine', 'hyper-express', 'fastify', 'node-http'] as const;
type PeerName = (typeof peerNames)[number];
const postPeers: Record<string, PeerName> = { 'uws-post': 'uws-raw', 'ody-post': 'ody-controller', 'fastify-post': 'fastify' };

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Start a peer server in its own child process (never in the load generator's process). */
async function startPeer(name: PeerName): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./http/peer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, name, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`peer ${name} exited with ${code} before ready`)));
  });
  return { port, child };
}

// 1 KB JSON body for POST /echo
const echoBody = JSON.stringify({ items: Array.from({ length: 24 }, (_, i) => ({ id: i, name: `item-${i}` })), pad: 'x'.repeat(200) }).slice(0, 1024);
const postBody = JSON.stringify({ data: echoBody.replace(/"/g, "'").slice(0, 1010) });

const suite: Suite = {
  name: 'http',
  async run({ quick }) {
    const settings = { connections: 100, durationS: quick ? 4 : 10 };
    const rounds = quick ? 2 : 3;
    const peers = new Map<PeerName, { port: number; child: ChildProcess }>();
    try {
      for (const name of peerNames) peers.set(name, await startPeer(name));
      const getSamples = new Map<string, LoadResult[]>();
      const postSamples = new Map<string, LoadResult[]>();
      const cpuSamples = new Map<string, number[]>();
      for (const p of peers.values()) await load(`http://127.0.0.1:${p.port}/users/1`, { ...settings, durationS: 1 }); // warm-up
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [...peerNames] : [...peerNames].reverse();
        for (const name of order) {
          const pid = peers.get(name)!.child.pid;
          const before = cpuSeconds(pid);
          const r = await load(`http://127.0.0.1:${peers.get(name)!.port}/users/42`, settings);
          const us = cpuMicrosPerRequest(before, cpuSeconds(pid), r.rps * settings.durationS);
          getSamples.set(name, [...(getSamples.get(name) ?? []), r]);
          if (us !== undefined) cpuSamples.set(name, [...(cpuSamples.get(name) ?? []), us]);
        }
        const postOrder = round % 2 === 0 ? Object.keys(postPeers) : Object.keys(postPeers).reverse();
        for (const row of postOrder) {
          const r = await load(`http://127.0.0.1:${peers.get(postPeers[row]!)!.port}/echo`, settings, postBody);
          postSamples.set(row, [...(postSamples.get(row) ?? []), r]);
        }
      }
      const rows: Row[] = [];
      const rps = new Map<string, number>();
      for (const [name, samples] of [...getSamples, ...postSamples]) {
        const v = median(samples.map((s) => s.rps));
        rps.set(name, v);
        rows.push({ name, metric: 'req/s', value: Math.round(v) });
        rows.push({ name, metric: 'p99 ms', value: Math.round(median(samples.map((s) => s.p99ms)) * 100) / 100 });
      }
      const cpu = new Map<string, number>();
      for (const [name, samples] of cpuSamples) {
        const v = median(samples);
        cpu.set(name, v);
        rows.push({ name, metric: 'server cpu µs/req', value: Math.round(v * 100) / 100 });
      }
      const ratio = (a: string, b: string) => Math.round((rps.get(a)! / rps.get(b)!) * 100) / 100;
      // Inverted so that, like req/s ratios, higher is better for the first peer.
      const cpuRatios: Record<string, number> = {};
      for (const [a, b] of [['ody-controller', 'uws-raw'], ['ody-controller', 'fastify'], ['ody-node-engine', 'node-http'], ['ody-otel-nosdk', 'ody-controller']] as const) {
        if (cpu.has(a) && cpu.has(b)) cpuRatios[`${a}/${b} (cpu per req)`] = Math.round((cpu.get(b)! / cpu.get(a)!) * 100) / 100;
      }
      return {
        rows,
        ratios: {
          'ody-controller/uws-raw': ratio('ody-controller', 'uws-raw'),
          'ody-controller/hyper-express': ratio('ody-controller', 'hyper-express'),
          'ody-controller/fastify': ratio('ody-controller', 'fastify'),
          'ody-otel-nosdk/ody-controller': ratio('ody-otel-nosdk', 'ody-controller'),
          'ody-post/uws-post': ratio('ody-post', 'uws-post'),
          'ody-node-engine/fastify': ratio('ody-node-engine', 'fastify'),
          'ody-node-engine/node-http': ratio('ody-node-engine', 'node-http'),
          ...cpuRatios,
        },
        notes: [
          `load: ${loadTool()} ${loadTool() === 'wrk' ? '-t1 ' : ''}-c${settings.connections}, ${settings.durationS}s per sample, ${rounds} alternating rounds, median`,
          'GET /users/:id → {id,name} JSON; POST /echo with a ~1 KB JSON body; every peer in its own child process',
          'ody-controller: DI-resolved controller + one global middleware + @Param on the uws engine (checked; never the JS shim); ody-node-engine: the same app on the node engine (node:http)',
          'ody-otel-nosdk: ody-controller plus otelPlugin (tracing on; @opentelemetry/api present, no SDK registered): the cost of being instrumented while nobody collects',
          '"server cpu µs/req": user+system CPU of the peer process per GET request (from /proc), steadier than req/s on a busy machine; "(cpu per req)" ratios are inverted so higher is better',
        ],
      };
    } finally {
      for (const p of peers.values()) p.child.kill('SIGKILL');
    }
  },
};

export default suite;
