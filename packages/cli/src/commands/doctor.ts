import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dependsOn, type Project } from '../project.js';

/** One line of `ody doctor`. */
export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

/** Node majors the test suite runs on (see the top README). */
const SUPPORTED_NODE = [20, 22];

/** Everything `ody doctor` checks, in order; never throws (a failed probe is a `fail` line). */
export async function doctor(project: Project, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const checks: Check[] = [nodeCheck(), decoratorsCheck(project)];
  if (dependsOn(project, '@ody/http')) checks.push(await engineCheck(project));
  for (const s of services) {
    const url = env[s.variable];
    const relevant = url !== undefined || s.packages.some((pkg) => dependsOn(project, pkg));
    if (relevant) checks.push(await serviceCheck(s, url ?? s.fallback));
  }
  return checks;
}

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  const ok = SUPPORTED_NODE.includes(major) || major > Math.max(...SUPPORTED_NODE);
  return {
    name: 'node',
    status: major < 20 ? 'fail' : ok ? 'ok' : 'warn',
    detail: `Node ${process.versions.node}${major < 20 ? ' — Ody needs Node 20 or newer' : ''}`,
  };
}

/** tsconfig.json may have comments and trailing commas; read the one flag without a JSONC parser. */
function decoratorsCheck(project: Project): Check {
  try {
    const text = readFileSync(join(project.root, 'tsconfig.json'), 'utf8');
    const on = /"experimentalDecorators"\s*:\s*true/.test(text);
    return on
      ? { name: 'decorators', status: 'ok', detail: 'experimentalDecorators is on (needed by @Controller, @CommandHandler, @inject)' }
      : { name: 'decorators', status: 'warn', detail: 'tsconfig.json lacks "experimentalDecorators": true; decorators will not compile (functional APIs still work)' };
  } catch {
    return { name: 'decorators', status: 'warn', detail: 'no tsconfig.json in the app folder' };
  }
}

async function engineCheck(project: Project): Promise<Check> {
  try {
    const entry = createRequire(join(project.root, 'package.json')).resolve('@ody/http');
    const http = (await import(pathToFileURL(entry).href)) as { resolveEngine?: (c: string) => { name: string; reason: string } };
    if (typeof http.resolveEngine !== 'function') return { name: 'http engine', status: 'warn', detail: 'this @ody/http does not report its engine' };
    const engine = http.resolveEngine('auto');
    return { name: 'http engine', status: 'ok', detail: `${engine.name} (${engine.reason})` };
  } catch (error) {
    return { name: 'http engine', status: 'fail', detail: `@ody/http did not load: ${(error as Error).message}` };
  }
}

/** A server an app may use: checked when its env var is set or the app depends on its driver. */
interface Service {
  name: string;
  variable: string;
  fallback: string;
  defaultPort: number;
  probe: 'redis' | 'tcp';
  packages: string[];
}
const services: Service[] = [
  { name: 'redis', variable: 'REDIS_URL', fallback: 'redis://127.0.0.1:6379', defaultPort: 6379, probe: 'redis', packages: ['@ody/queue-redis'] },
  { name: 'postgres', variable: 'DATABASE_URL', fallback: 'postgres://127.0.0.1:5432', defaultPort: 5432, probe: 'tcp', packages: ['@ody/eventsourcing'] },
  { name: 'rabbitmq', variable: 'AMQP_URL', fallback: 'amqp://127.0.0.1:5672', defaultPort: 5672, probe: 'tcp', packages: ['@ody/queue-amqp'] },
  { name: 'nats', variable: 'NATS_URL', fallback: 'nats://127.0.0.1:4222', defaultPort: 4222, probe: 'tcp', packages: ['@ody/queue-nats'] },
];

/** Connect (and for Redis, PING) within 2 s. */
function serviceCheck(s: Service, url: string): Promise<Check> {
  const { name, variable, probe } = s;
  let host = '127.0.0.1';
  let port = s.defaultPort;
  try {
    const parsed = new URL(url);
    host = parsed.hostname || host;
    port = Number(parsed.port) || port;
  } catch {
    return Promise.resolve({ name, status: 'fail', detail: `${variable}=${url} is not a URL` });
  }
  const where = `${host}:${port} (${variable}${process.env[variable] === undefined ? ' unset, default port' : ''})`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (status: Check['status'], detail: string) => {
      socket.destroy();
      clearTimeout(timer);
      resolve({ name, status, detail });
    };
    const timer = setTimeout(() => done('fail', `no answer from ${where} within 2 s`), 2_000);
    socket.on('error', (error) => done('fail', `${where}: ${error.message}`));
    socket.on('connect', () => {
      if (probe === 'tcp') return done('ok', `reachable at ${where}`);
      socket.write('PING\r\n');
    });
    socket.on('data', (chunk) => {
      const reply = chunk.toString().trim();
      done(reply.startsWith('+PONG') ? 'ok' : 'fail', reply.startsWith('+PONG') ? `answers PING at ${where}` : `${where} answered ${reply.slice(0, 80)}`);
    });
  });
}
