// The socket.io load generator, the same protocol as clients.ts: `node sio-clients.ts <url> <count> <messages>`.
// Opens `count` socket.io clients (websocket transport only; the server joins each to the `bench`
// room at connection), prints `ready`, counts `tick` events and prints one JSON line of results when
// every client has all messages or when deliveries stop for 3 s.
import { io, type Socket } from 'socket.io-client';

const [url, countArg, messagesArg] = process.argv.slice(2);
const count = Number(countArg);
const messages = Number(messagesArg);
let delivered = 0;
let first = 0;
let last = 0;
const latencies: number[] = [];
let done = 0;
const perClient = new Array<number>(count).fill(0);
let idleTimer: NodeJS.Timeout | undefined;
const sockets: Socket[] = [];

function finish(): void {
  const rounded = latencies.map((l) => Math.round(l * 100) / 100);
  for (const s of sockets) s.disconnect();
  process.stdout.write(`${JSON.stringify({ delivered, first, last, latencies: rounded })}\n`, () => process.exit(0));
}

function open(k: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(url!, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const sampled = k % 10 === 0;
    socket.once('connect_error', reject);
    socket.once('connect', () => resolve());
    socket.on('tick', (data: { t: number }) => {
      const now = performance.timeOrigin + performance.now();
      if (delivered === 0) first = now;
      last = now;
      delivered++;
      if (sampled) latencies.push(now - data.t);
      if (++perClient[k]! === messages && ++done === count) finish();
      clearTimeout(idleTimer);
      idleTimer = setTimeout(finish, 3000);
    });
  });
}

for (let k = 0; k < count; k += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - k) }, (_, j) => open(k + j)));
}
process.stdout.write('ready\n');
