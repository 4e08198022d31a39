import { median } from '../measure.js';
import type { Row, Suite } from '../types.js';
import { type PeerName, type RunResult, runPeer } from './websocket/run-peer.js';

const peers: PeerName[] = ['uws-raw', 'ody-broadcast', 'ws-raw', 'ody-node-engine', 'ody-broadcast-2workers'];

/**
 * Fan-out: N `ws` clients (in separate load-generator processes) subscribed to one channel; the
 * server publishes M messages; deliveries/s (first delivery → last delivery, all clients) and p99
 * delivery latency. uws-raw is `app.publish` on a bare uWS app; ody-broadcast is the hub's
 * Broadcaster in one thread; ws-raw is a bare `ws` server sending to every client and
 * ody-node-engine the same hub on the node engine (node:http + ws); ody-broadcast-2workers is @ody/http with two worker threads, clients
 * spread over both by SO_REUSEPORT and the publish issued on one of them.
 */
const suite: Suite = {
  name: 'websocket',
  async run({ quick }) {
    const clients = 500;
    const processes = 2;
    const messages = quick ? 1000 : 3000;
    const rounds = 3;
    const samples = new Map<PeerName, RunResult[]>(peers.map((p) => [p, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? peers : [...peers].reverse();
      for (const peer of order) samples.get(peer)!.push(await runPeer(peer, clients, processes, messages));
    }
    const rows: Row[] = [];
    const rate = new Map<PeerName, number>();
    for (const [peer, runs] of samples) {
      const r = median(runs.map((s) => s.deliveriesPerS));
      rate.set(peer, r);
      rows.push({ name: peer, metric: 'deliveries/s', value: Math.round(r) });
      rows.push({ name: peer, metric: 'p99 ms', value: Math.round(median(runs.map((s) => s.p99ms)) * 100) / 100 });
      rows.push({ name: peer, metric: 'delivered/expected', value: Math.min(...runs.map((s) => s.delivered / s.expected)) });
    }
    const two = samples.get('ody-broadcast-2workers')!;
    return {
      rows,
      ratios: {
        'ody-broadcast/uws-raw': Math.round((rate.get('ody-broadcast')! / rate.get('uws-raw')!) * 100) / 100,
        'ody-node-engine/ws-raw': Math.round((rate.get('ody-node-engine')! / rate.get('ws-raw')!) * 100) / 100,
        // Worst run: every subscriber must get every message.
        'ody-broadcast-2workers/expected': Math.min(...two.map((s) => s.delivered / s.expected)),
      },
      notes: [
        `${clients} ws clients in ${processes} load-generator processes, ${messages} messages of ~80 bytes per run, published in batches of 100`,
        `${rounds} alternating rounds per peer, median reported; p99 latency sampled on every 10th client`,
        'delivered/expected is the worst run (1 = every subscriber got every message)',
      ],
    };
  },
};

export default suite;
