import { alternate, median, percentile, ratioEntries, ratioOf, roundsFor, type Spread } from '../measure.js';
import type { Row, Suite } from '../types.js';
import { makePeer, PISCINA_TUNED_CONCURRENCY, type PeerName, type Peer, roundTrips, THREADS, throughput } from './task/peers.js';

// Ratio against task duration: a pool's overhead per task matters for tiny tasks and vanishes for long
// ones, so one trivial-task number says little. Every peer runs the same busy-wait task of 0, 10, 100 and
// 1000 µs on 2 threads, plus round-trip latency with one task in flight.

const DURATIONS_US = [0, 10, 100, 1_000] as const;
const PEERS: PeerName[] = ['ody-task', 'piscina-default', 'piscina-tuned', 'tinypool'];
const OTHERS = PEERS.filter((p) => p !== 'ody-task');
const IN_FLIGHT = 256;

/** Tasks per round: about 0.1–0.3 s of work per peer on 2 threads. */
function tasksFor(us: number, quick: boolean): number {
  const base = us === 0 ? 20_000 : us === 10 ? 10_000 : us === 100 ? 2_000 : 300;
  return quick ? base : base * 3;
}

const suite: Suite = {
  name: 'task',
  async run({ quick }) {
    const rows: Row[] = [];
    const ratios: Record<string, Spread> = {};
    const rounds = roundsFor(quick, { quick: 3, full: 7 });
    const peers = Object.fromEntries(PEERS.map((p) => [p, makePeer(p)])) as Record<PeerName, Peer>;
    for (const p of PEERS) await throughput(2_000, IN_FLIGHT, () => peers[p].spin(0)); // warm

    for (const us of DURATIONS_US) {
      const total = tasksFor(us, quick);
      const samples = await alternate(
        rounds,
        Object.fromEntries(PEERS.map((p) => [p, () => throughput(total, IN_FLIGHT, () => peers[p].spin(us))])) as Record<PeerName, () => Promise<number>>,
      );
      for (const p of PEERS) rows.push({ name: `${p} ${us} µs tasks`, metric: 'tasks/s', value: Math.round(median(samples[p])) });
      for (const o of OTHERS) ratios[`ody-task/${o} ${us}us`] = ratioOf(samples['ody-task'], samples[o]);
    }

    const trips = quick ? 1_000 : 5_000;
    const p99s = Object.fromEntries(PEERS.map((p) => [p, [] as number[]])) as Record<PeerName, number[]>;
    const p50s = await alternate(
      rounds,
      Object.fromEntries(
        PEERS.map((p) => [
          p,
          async () => {
            const t = await roundTrips(trips, () => peers[p].spin(0));
            p99s[p].push(percentile(t, 99));
            return percentile(t, 50);
          },
        ]),
      ) as Record<PeerName, () => Promise<number>>,
    );
    for (const p of PEERS) {
      rows.push({ name: `${p} round trip, 1 in flight`, metric: 'p50 ms', value: median(p50s[p]) });
      rows.push({ name: `${p} round trip, 1 in flight`, metric: 'p99 ms', value: median(p99s[p]) });
    }
    for (const o of OTHERS) {
      ratios[`ody-task/${o} p50 latency`] = ratioOf(p50s['ody-task'], p50s[o], false);
      ratios[`ody-task/${o} p99 latency`] = ratioOf(p99s['ody-task'], p99s[o], false);
    }
    for (const p of PEERS) await peers[p].close();

    return {
      rows,
      ...ratioEntries(ratios),
      notes: [
        `throughput: a busy-wait task of 0/10/100/1000 µs, ${IN_FLIGHT} in flight, ${THREADS} threads per pool, ${rounds} alternating rounds (median; spread = min–max of the per-round ratios); tasks per round: ${DURATIONS_US.map((us) => `${tasksFor(us, quick)} at ${us} µs`).join(', ')}`,
        `peers: ody-task with its defaults (it batches queued tasks per message); piscina-default; piscina-tuned = concurrentTasksPerWorker ${PISCINA_TUNED_CONCURRENCY}, Piscina's documented setting for keeping workers fed; tinypool with its defaults`,
        `latency: ${trips} round trips of a 0 µs task one after the other per round, per-round p50/p99, median over rounds; latency ratios are peer ms / ody-task ms (above 1: ody-task is faster)`,
        `the pools' ${THREADS} threads and the submitting main thread share the machine's cores: on 2 cores the main thread competes with the workers, which is what a 2-core service sees too`,
      ],
    };
  },
};

export default suite;
