import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/** One load measurement. */
export interface LoadResult {
  rps: number;
  p99ms: number;
}

/** Load settings shared by every peer of a run. */
export interface LoadSettings {
  connections: number;
  durationS: number;
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
  const m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const scale = m?.[2] === 'us' ? 0.001 : m?.[2] === 's' ? 1000 : 1;
  return { rps, p99ms: m ? Number(m[1]) * scale : Number.NaN };
}

/** Run wrk (-t1) or autocannon against `url`; POST sends `body` as JSON. */
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
    const out = await new Promise<string>((resolve, reject) =>
      execFile('wrk', args, { timeout: (s.durationS + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    return parseWrk(out);
  }
  const r = await autocannon({
    url,
    connections: s.connections,
    duration: s.durationS,
    method: body === undefined ? 'GET' : 'POST',
    body,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  });
  return { rps: r.requests.average, p99ms: r.latency.p99 };
}
