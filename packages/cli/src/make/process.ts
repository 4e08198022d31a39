import type { Generated } from './generators-types.js';
import type { Names } from './names.js';

/** `make:process <name>`: a defineProcess child module and a test that supervises it until ready. */
export const processGenerator = (n: Names): Generated => ({
  files: [
    {
      path: `src/processes/${n.kebab}.ts`,
      content: `/**
 * A supervised child process (run it with processPlugin or createProcessManager). It reports ready,
 * answers { op: 'ping' } requests, and stops when the manager asks (ctx.signal aborts).
 */
import { defineProcess } from '@ody/process/child';

/** The IPC messages of ${n.kebab}: requests it answers and what it answers with. */
export interface ${n.pascal}Ipc {
  in: { op: 'ping' };
  out: never;
  reply: { pong: true; pid: number };
}

void defineProcess<${n.pascal}Ipc>(async (ctx) => {
  ctx.onRequest((message) => {
    if (message.op === 'ping') return { pong: true, pid: process.pid };
    throw new Error(\`Unknown request \${JSON.stringify(message)}\`);
  });
  // Start the real work here (timers, connections), then tell the manager this instance is ready.
  ctx.ready();
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  // Stop the work here: the manager waits for this function to return (SIGKILL after stopTimeoutMs).
});
`,
    },
    {
      path: `src/processes/${n.kebab}.test.ts`,
      content: `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createProcessManager, processDefinition } from '@ody/process';
import { expect, it } from 'vitest';
import type { ${n.pascal}Ipc } from './${n.kebab}.js';

const fromSource = import.meta.url.endsWith('.ts');
/** From source, the child loads TypeScript through tsx (resolved here, so any cwd works). */
const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

const ${n.camel} = processDefinition<${n.pascal}Ipc>({
  name: '${n.kebab}',
  module: new URL(\`./${n.kebab}.\${fromSource ? 'ts' : 'js'}\`, import.meta.url),
  execArgv,
  restart: 'never',
});

it('${n.kebab} starts under a process manager, reports ready and answers a request', async () => {
  const manager = createProcessManager({ processes: [${n.camel}] });
  try {
    await manager.start('${n.kebab}');
    expect(manager.status()).toEqual([expect.objectContaining({ name: '${n.kebab}', state: 'ready' })]);
    expect(await manager.request(${n.camel}, { op: 'ping' })).toMatchObject({ pong: true });
  } finally {
    await manager.close();
  }
}, 30_000);
`,
    },
  ],
  hint: `Supervise it: processPlugin({ processes: [{ name: '${n.kebab}', module: new URL('./processes/${n.kebab}.js', import.meta.url), restart: 'always' }] }) (from source add execArgv: ['--import', <tsx>] as src/app.ts of the worker template does).`,
});
