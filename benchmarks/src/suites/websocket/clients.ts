// A load-generator process: `node clients.ts <url> <count> <mode> <messages>`. Opens `count` ws
// clients (mode `ody` subscribes through the protocol; `raw` is subscribed by the server), prints
// `ready`, then counts `tick` frames and prints one JSON line of results when every client has all
// messages or when deliveries stop for 3 s.
// Mode `idle` (`<messages>` is then how many handshakes are in flight at once): prints `loaded`, waits
// for `go` on stdin, opens `count` connections and prints `ready {"start","end"}` (epoch ms), then holds
// them open, idle, until killed.
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
  await new Promise<void>((r) => createInterface({ input: process.stdin }).once('line', () => r()));
  const start = performance.timeOrigin + performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await connect();
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
  const end = performance.timeOrigin + performance.now();
  process.stdout.write(`ready ${JSON.stringify({ start, end })}\n`);
  await new Promise(() => undefined); // hold the connections until killed
}

for (let k = 0; k < count; k += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - k) }, (_, j) => open(k + j)));
}
process.stdout.write('ready\n');
