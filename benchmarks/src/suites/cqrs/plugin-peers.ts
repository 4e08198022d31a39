import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { median, ratioOf, type Spread } from '../../measure.js';
import type { Row } from '../../types.js';

/** The peers of peer-process.ts, each run in a fresh process per round. */
const PEERS = ['ody-plugin-default', 'ody-plugin-no-correlation', 'ody-plugin-default-zod', 'nest-cqrs', 'nest-cqrs-als'] as const;
type Peer = (typeof PEERS)[number];

interface Sample {
  perSecond: number;
  cpuUsPerOp: number;
}

function runPeer(peer: Peer, n: number): Promise<Sample> {
  const script = join(import.meta.dirname, 'peer-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, peer, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`cqrs peer ${peer} exited with ${code}: ${out}`));
      resolve(JSON.parse(line) as Sample);
    });
  });
}

/**
 * The bus cqrsPlugin wires by default (correlation + validation middleware, logging off) against
 * @nestjs/cqrs, a new command object per call, each peer in its own process, peers alternating each
 * round. Headline: CPU per command (the 2-core machine is shared); commands/s beside it.
 */
export async function pluginPeers(o: { n: number; rounds: number }): Promise<{ rows: Row[]; ratios: Record<string, Spread>; notes: string[] }> {
  const samples = Object.fromEntries(PEERS.map((p) => [p, [] as Sample[]])) as Record<Peer, Sample[]>;
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? PEERS : [...PEERS].reverse();
    for (const peer of order) samples[peer].push(await runPeer(peer, o.n));
  }
  const cpu = (p: Peer) => median(samples[p].map((s) => s.cpuUsPerOp));
  const rate = (p: Peer) => median(samples[p].map((s) => s.perSecond));
  const spread = (p: Peer) => {
    const v = samples[p].map((s) => s.cpuUsPerOp);
    return `${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
  };
  const rows: Row[] = PEERS.flatMap((p) => [
    { name: p, metric: 'CPU µs/command', value: cpu(p) },
    { name: p, metric: 'commands/s', value: rate(p) },
  ]);
  // Ratios > 1: Ody does the same work with less CPU (or more commands/s); paired by round.
  const cpus = (p: Peer) => samples[p].map((s) => s.cpuUsPerOp);
  const rates = (p: Peer) => samples[p].map((s) => s.perSecond);
  const ratios: Record<string, Spread> = {
    'ody-plugin-default/nest-cqrs': ratioOf(cpus('ody-plugin-default'), cpus('nest-cqrs'), false),
    'ody-plugin-default/nest-cqrs (commands/s)': ratioOf(rates('ody-plugin-default'), rates('nest-cqrs')),
    'ody-plugin-no-correlation/nest-cqrs': ratioOf(cpus('ody-plugin-no-correlation'), cpus('nest-cqrs'), false),
    'ody-plugin-default-zod/nest-cqrs': ratioOf(cpus('ody-plugin-default-zod'), cpus('nest-cqrs'), false),
    'ody-plugin-default/nest-cqrs-als': ratioOf(cpus('ody-plugin-default'), cpus('nest-cqrs-als'), false),
  };
  const notes = [
    `plugin rows: ${o.n.toLocaleString('en-US')} sequential awaited commands per process, a new command object per call, median of ${o.rounds} alternating rounds, each peer in its own process; ratio = peer CPU per command / Ody CPU per command`,
    `CPU µs/command spread (min–max): ${PEERS.map((p) => `${p} ${spread(p)}`).join(', ')}`,
    'ody-plugin-default: app.get(CommandBus) of cqrsPlugin() with default config (correlation + validation middleware; the command has no schema, so validation passes it through); -zod: the same with a zod schema on the command (Nest validates nothing); -no-correlation: cqrs.correlation false',
    'nest-cqrs-als: Nest in a process with an active AsyncLocalStorage (as with nestjs-cls, OpenTelemetry, or any Ody HTTP/queue/WebSocket entry point). Without AsyncContextFrame (Node 20, Node 22 by default) an active AsyncLocalStorage makes every promise in the process pay async hooks; the correlation middleware enters one context per command (its handler must see the command as causation across awaits), so in a process with no other context ody-plugin-default pays that tax and nest-cqrs does not — that tax is most of the gap between ody-plugin-default and ody-plugin-no-correlation',
  ];
  return { rows, ratios, notes };
}
