import type { Application } from '@ody/core';
import { type ProcessDefinition, ProcessManager, processDefinition, processPlugin } from '@ody/process';
import type { HeartbeatIpc, HeartbeatStats } from './heartbeat.js';

const here = import.meta.url;
const fromSource = here.endsWith('.ts');

/**
 * The example's supervised process: two heartbeat workers, restarted on crash with backoff.
 * Built, this file is bundled into dist/app.js and the worker is dist/process/heartbeat.js.
 */
export function heartbeatDefinition(overrides: Partial<Omit<ProcessDefinition, 'ipc'>> = {}): ProcessDefinition<HeartbeatIpc> {
  return processDefinition<HeartbeatIpc>({
    name: 'heartbeat',
    module: fromSource ? new URL('./heartbeat.ts', here) : new URL('./process/heartbeat.js', here),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    instances: 2,
    restart: 'always',
    backoff: { type: 'exponential', delayMs: 200, factor: 2, maxDelayMs: 10_000 },
    backoffResetAfterMs: 30_000,
    maxMemoryMb: 256,
    stopTimeoutMs: 3_000,
    ...overrides,
  });
}

/** processPlugin running the heartbeat workers for the app's lifetime. */
export const exampleProcessPlugin = (overrides: Partial<Omit<ProcessDefinition, 'ipc'>> = {}) =>
  processPlugin({ processes: [heartbeatDefinition(overrides)] });

/** Ask every heartbeat worker for its stats over IPC. */
export async function heartbeatStats(app: Pick<Application, 'get'>): Promise<HeartbeatStats[]> {
  const pm = app.get(ProcessManager);
  const heartbeat = heartbeatDefinition();
  const rows = pm.status().filter((r) => r.name === heartbeat.name && r.state === 'ready');
  return Promise.all(rows.map((r) => pm.request(heartbeat, { op: 'stats' }, { instance: r.instance, timeoutMs: 2_000 })));
}
