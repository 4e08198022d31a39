// A load-generator process: `node clients.ts <url> <count> <mode> <messages>`. Opens `count` ws
// clients (mode `ody` subscribes through the protocol; `raw` is subscribed by the server), prints
// `ready`, then counts `tick` frames and prints one JSON line of results when every client has all
// messages or when deliveries stop for 3 s.
// Mode `idle` (`<messages>` is then how many handshakes are in flight at once): prints `loaded`; each
// `go <n>` on stdin opens n more connections (at most `count` in all) and prints `ready {"start","end","n"}`
// (epoch ms); the connections stay open, idle, until the process is killed.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [url, countArg, mode, messagesArg] = process.argv.slice(2);
const count = Number(countArg);
const messages = Number(messagesArg);
let delivered = 0;
let first = 0;
let last = 0;
const latencies: number[] = [];
const done = new Set<number>();
const perClient = new Array<number>(count).fill(0);
let idleTimer: NodeJS.Timeout | undefined;
const tickPrefix = Buffer.from('{"event":"tick"');

function finish(): void {
  const rounded = latencies.map((l) => Math.round(l * 100) / 100);
  // A large line to a pipe is written asynchronously: exit only once it is flushed.
  process.stdout.write(`${JSON.stringify({ delivered, first, last, latencies: rounded })}\n`, () => process.exit(0));
}

function open(k: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url!, { perMessageDeflate: false });
    ws.on('error', reject);
    const sampled = k % 10 === 0;
    ws.on('message', (raw: Buffer) => {
      // Tick frames start with {"event":"tick"; only sampled clients pay for JSON.parse, so the
      // load generators stay cheaper than the server they measure.
      if (raw.length > tickPrefix.length && raw.compare(tickPrefix, 0, tickPrefix.length, 0, tickPrefix.length) === 0) {
        const now = performance.timeOrigin + performance.now();
        if (delivered === 0) first = now;
        last = now;
        delivered++;
        if (sampled) latencies.push(now - (JSON.parse(raw.toString()) as { data: { t: number } }).data.t);
        if (++perClient[k]! === messages) {
          done.add(k);
          if (done.size === count) finish();
        }
        clearTimeout(idleTimer);
        idleTimer = setTimeout(finish, 3000);
      } else if ((JSON.parse(raw.toString()) as { event: string }).event === 'ack') resolve();
    });
    ws.on('open', () => {
      if (mode === 'ody') ws.send(JSON.stringify({ type: 'subscribe', channel: 'bench', id: 1 }));
      else resolve();
    });
  });
}

if (mode === 'idle') {
  const window = messages;
  const held: WebSocket[] = [];
  const connect = () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url!, { perMessageDeflate: false });
      held.push(ws);
      ws.once('error', reject);
      ws.once('open', () => resolve());
    });
  process.stdout.write('loaded\n');
  // Each `go <n>` line opens n more connections (a warm-up batch first, then the measured one).
  for await (const line of createInterface({ input: process.stdin })) {
    const n = Math.min(Number(line.split(' ')[1]), count - held.length);
    const start = performance.timeOrigin + performance.now();
    let left = n;
    const worker = async () => {
      while (left > 0) {
        left--;
        await connect();
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, n) }, worker));
    const end = performance.timeOrigin + performance.now();
    process.stdout.write(`ready ${JSON.stringify({ start, end, n })}\n`);
  }
}

for (let k = 0; k < count; k += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - k) }, (_, j) => open(k + j)));
}
process.stdout.write('ready\n');
