import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { pinned } from '../../pin.js';

/** The cold-start peers: plain-JS scripts (no TypeScript loader in the measured start-up). */
export const coldPeers = ['ody', 'fastify', 'nest'] as const;
export type ColdPeer = (typeof coldPeers)[number];

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Spawn `peer` (pinned to `cpus`) and poll `GET /users/1` until the first 200: the process start →
 * first answer time. Then, idle for `idleMs`, its resident set size. The process is killed after.
 */
export async function coldStart(peer: ColdPeer, port: number, cpus: string, idleMs: number): Promise<{ ms: number; rssMb: number }> {
  const script = fileURLToPath(new URL(`./cold/${peer}.mjs`, import.meta.url));
  const [cmd, args] = pinned(cpus, process.execPath, [script, String(port)]);
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  try {
    for (;;) {
      if (exited) throw new Error(`cold-start peer ${peer} exited before answering`);
      if ((await get(port, '/users/1')) === 200) break;
      if (Number(process.hrtime.bigint() - started) > 60e9) throw new Error(`cold-start peer ${peer} did not answer within 60 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise((r) => setTimeout(r, idleMs));
    return { ms, rssMb: rssKb(child.pid!) / 1024 };
  } finally {
    child.kill('SIGKILL');
    if (!exited) await new Promise((r) => child.once('exit', r));
  }
}
