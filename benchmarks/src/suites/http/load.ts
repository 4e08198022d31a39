import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { pinned } from '../../pin.js';

/** One load measurement. */
export interface LoadResult {
  rps: number;
  p99ms: number;
  /** Requests answered during the sample. */
  requests: number;
}

/** Load settings shared by every peer of a run. */
export interface LoadSettings {
  connections: number;
  durationS: number;
  /** taskset CPU list of the load generator (see src/pin.ts); unpinned when taskset is missing. */
  cpus?: string;
}

/** 'wrk' when the Debian wrk binary is installed, else 'autocannon'. */
export function loadTool(): 'wrk' | 'autocannon' {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (e) {
    // wrk --version exits 1 but prints; ENOENT means absent
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'autocannon' : 'wrk';
  }
}

function parseWrk(out: string): LoadResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const scale = m?.[2] === 'us' ? 0.001 : m?.[2] === 's' ? 1000 : 1;
  return { rps, requests, p99ms: m ? Number(m[1]) * scale : Number.NaN };
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}

/** Run wrk (-t1, pinned to `s.cpus`) or autocannon against `url`; POST sends `body` as JSON. */
export async function load(url: string, s: LoadSettings, body?: string): Promise<LoadResult> {
  if (loadTool() === 'wrk') {
    const args = ['-t1', `-c${s.connections}`, `-d${s.durationS}s`, '--latency'];
    if (body !== undefined) {
      const script = join(tmpdir(), `ody-bench-post-${process.pid}.lua`);
      writeFileSync(
        script,
        `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`,
      );
      args.push('-s', script);
    }
    args.push(url);
    const [cmd, argv] = s.cpus === undefined ? ['wrk', args] : pinned(s.cpus, 'wrk', args);
    return parseWrk(await run(cmd, argv, (s.durationS + 30) * 1000));
  }
  const r = await autocannon({
    url,
    connections: s.connections,
    duration: s.durationS,
    method: body === undefined ? 'GET' : 'POST',
    body,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  });
  return { rps: r.requests.average, requests: r.requests.total, p99ms: r.latency.p99 };
}

/** Latency of one fixed-rate (open-loop) sample, in ms. */
export interface OpenLoopResult {
  /** Offered rate (req/s). */
  rate: number;
  /** Answered req/s. */
  rps: number;
  p50: number;
  p99: number;
  p999: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * autocannon in its own process, pinned to `cpus`: closed loop when `rate` is undefined (the
 * saturation this generator reaches), else open loop at `rate` req/s overall (`--overallRate`;
 * autocannon then measures latency from each request's scheduled time, correcting coordinated omission).
 */
export async function openLoop(url: string, s: LoadSettings, rate?: number): Promise<OpenLoopResult> {
  const args = [autocannonBin, '-j', '-c', String(s.connections), '-d', String(s.durationS)];
  if (rate !== undefined) args.push('-R', String(Math.max(1, Math.round(rate))));
  args.push(url);
  const [cmd, argv] = s.cpus === undefined ? [process.execPath, args] : pinned(s.cpus, process.execPath, args);
  const out = await run(cmd, argv, (s.durationS + 30) * 1000);
  const r = JSON.parse(out.slice(out.indexOf('{'))) as {
    requests: { average: number };
    latency: { p50: number; p99: number; p99_9: number };
  };
  return { rate: rate ?? Number.NaN, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, p999: r.latency.p99_9 };
}
