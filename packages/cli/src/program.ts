import { Command, CommanderError } from 'commander';
import { build, dev, start } from './commands/tools.js';
import { loadApp, registerOnly } from './app/load.js';
import { describeConfig } from './commands/config.js';
import { doctor } from './commands/doctor.js';
import { failed, queuesOf, queueStats } from './commands/queue.js';
import { formatTable, listRoutes, routesEnv } from './commands/routes.js';
import { work } from './commands/work.js';
import { commandStatus } from './commands/commands-status.js';
import { appProcesses, formatStatus } from './commands/process-status.js';
import { CliError } from './errors.js';
import { kinds } from './make/generators.js';
import { make } from './make/make.js';
import { createOutput } from './output.js';
import { findProject } from './project.js';

/** Exit codes scripts can trust. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/** Build the `ody` command tree; `run` resolves with the exit code of a command that runs to its end. */
export function createProgram(version: string): { program: Command; exitCode: () => number } {
  let code: number = exitCodes.ok;
  const program = new Command('ody')
    .description('Run, build, check and extend an Ody app')
    .version(version, '-v, --version')
    .option('--json', 'machine-readable output (one JSON document)')
    .showHelpAfterError('(run ody --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  const json = () => program.opts<{ json?: boolean }>().json === true;

  program
    .command('dev [entry]')
    .description('run the app from TypeScript with tsx, restarting on every change (default src/main.ts)')
    .action(async (entry?: string) => {
      code = await dev(findProject(), entry);
    });
  program
    .command('start [entry]')
    .description('run the built app (default dist/main.js); Ctrl-C stops it gracefully')
    .action(async (entry?: string) => {
      code = await start(findProject(), entry);
    });
  program
    .command('build')
    .description('compile with tsc (tsconfig.build.json when present, else tsconfig.json)')
    .action(async () => {
      code = await build(findProject());
    });
  program
    .command('doctor')
    .description('check Node, decorators, the HTTP engine that would run, and the servers the app uses')
    .action(async () => {
      const out = createOutput(json());
      const checks = await doctor(findProject());
      if (out.json) out.data({ checks });
      else for (const c of checks) out.line(`${c.status === 'ok' ? out.ok('ok  ') : c.status === 'warn' ? 'warn' : out.bad('FAIL')}  ${c.name.padEnd(12)} ${c.detail}`);
      code = checks.some((c) => c.status === 'fail') ? exitCodes.failed : exitCodes.ok;
    });
  const appOption = '--app <file>';
  const appHelp = 'the module exporting createApp() (default src/app.ts through tsx, else dist/app.js)';
  const quiet = { ODY_APP_LOG_LEVEL: 'error' };
  program
    .command('routes')
    .description('list every route: method, path, handler, middleware count (starts the app on 127.0.0.1, port 0, then stops it)')
    .option(appOption, appHelp)
    .action(async (o: { app?: string }) => {
      const out = createOutput(json());
      const project = findProject();
      process.setSourceMapsEnabled(true); // handlers are named by their source file and line
      const { app } = await loadApp(project, o.app, quiet, (a) => (a.plugins.includes('http') ? { ...routesEnv } : {}));
      const routes = await listRoutes(app, project.root);
      if (out.json) return out.data({ routes });
      out.line(formatTable(['METHOD', 'PATH', 'HANDLER', 'MIDDLEWARE'], routes.map((r) => [r.method, r.path, r.handler, String(r.middleware)])));
    });
  program
    .command('config')
    .description('the resolved config, each value with its source (default, code, file = .env, env); secrets redacted')
    .option(appOption, appHelp)
    .action(async (o: { app?: string }) => {
      const out = createOutput(json());
      const project = findProject();
      const { app } = await loadApp(project, o.app);
      const config = describeConfig(app);
      if (out.json) return out.data({ config });
      out.line(formatTable(['KEY', 'VALUE', 'SOURCE'], config.map((c) => [c.path, JSON.stringify(c.value) ?? 'undefined', c.source])));
    });
  const withQueues = async <T>(file: string | undefined, run: (queues: ReturnType<typeof queuesOf>) => Promise<T>): Promise<T> => {
    const { app } = await loadApp(findProject(), file, quiet);
    const release = await registerOnly(app);
    try {
      const queues = queuesOf(app);
      try {
        return await run(queues);
      } finally {
        await (queues.driver as { close?: () => Promise<void> }).close?.();
      }
    } finally {
      await release();
    }
  };
  program
    .command('queue:work <queue...>')
    .description('work queues in supervised processes (restarted on crash) running the app with only these queues; Ctrl-C stops')
    .option(appOption, appHelp)
    .option('--concurrency <n>', 'jobs at once per process (default: the app\'s own setting)', (v) => positiveInt('--concurrency', v))
    .option('--processes <n>', 'worker processes (default 1)', (v) => positiveInt('--processes', v), 1)
    .action(async (queues: string[], o: { app?: string; concurrency?: number; processes: number }) => {
      code = await work(findProject(), { queues, processes: o.processes, ...(o.concurrency ? { concurrency: o.concurrency } : {}), ...(o.app ? { app: o.app } : {}) }, createOutput(json()));
    });
  program
    .command('queue:stats <queue...>')
    .description('jobs waiting, delayed, active, completed and failed per queue (filesystem, Redis, RabbitMQ, NATS; not memory)')
    .option(appOption, appHelp)
    .action(async (names: string[], o: { app?: string }) => {
      const out = createOutput(json());
      const stats = await withQueues(o.app, (queues) => queueStats(queues, names));
      if (out.json) return out.data({ queues: stats });
      out.line(formatTable(['QUEUE', 'WAITING', 'DELAYED', 'ACTIVE', 'COMPLETED', 'FAILED'], stats.map((s) => [s.queue, ...[s.waiting, s.delayed, s.active, s.completed, s.failed].map(String)])));
    });
  program
    .command('queue:failed <action> <queue> [ids...]')
    .description('the failed store of a queue: list, show <id>, retry <id…>|--all, forget <id…>, flush (filesystem, Redis, RabbitMQ, NATS; not memory)')
    .option(appOption, appHelp)
    .option('--all', 'retry: every failed job of the queue')
    .option('--limit <n>', 'list: at most n jobs (default 50)', (v) => positiveInt('--limit', v))
    .action(async (action: string, queue: string, ids: string[], o: { app?: string; all?: boolean; limit?: number }) => {
      if (!['list', 'show', 'retry', 'forget', 'flush'].includes(action)) {
        throw new CliError('ODY_CLI_USAGE', `Unknown action '${action}'; use list, show, retry, forget or flush.`);
      }
      const out = createOutput(json());
      const result = await withQueues(o.app, (queues) => failed(queues, action, queue, ids, { ...(o.all ? { all: true } : {}), ...(o.limit ? { limit: o.limit } : {}) }));
      if (out.json) return out.data(result);
      if (result.action === 'list') {
        if (result.jobs.length === 0) return out.line(`no failed jobs in ${queue}`);
        return out.line(formatTable(['ID', 'NAME', 'REASON', 'ATTEMPTS', 'FAILED AT', 'ERROR'], result.jobs.map((j) => [j.id, j.name, j.reason, String(j.attemptsMade), j.failedAt, j.error])));
      }
      if (result.action === 'show') return out.line(JSON.stringify(result.job, null, 2));
      out.line(`${out.ok(result.action === 'retry' ? 'retried' : 'removed')} ${result.count} job${result.count === 1 ? '' : 's'} of ${queue}`);
    });
  program
    .command('commands:status <id>')
    .description('the status of an async command (queued, running, succeeded, failed) from the app\'s status store')
    .option(appOption, appHelp)
    .action(async (id: string, o: { app?: string }) => {
      const out = createOutput(json());
      const record = await commandStatus(findProject().root, o.app, id);
      if (out.json) return out.data({ command: record });
      const rows: Array<[string, string]> = [
        ['id', record.id],
        ['name', record.name],
        ['queue', record.queue],
        ['state', record.state],
        ['attempts', String(record.attempts)],
        ['created', new Date(record.createdAt).toISOString()],
        ['updated', new Date(record.updatedAt).toISOString()],
      ];
      if (record.result !== undefined) rows.push(['result', JSON.stringify(record.result)]);
      if (record.error !== undefined) rows.push(['error', `${record.error.name ?? 'Error'}: ${record.error.message}`]);
      for (const [k, v] of rows) out.line(`${k.padEnd(9)} ${v}`);
    });
  program
    .command('process:status')
    .description('every supervised process of this app (its processPlugin processes and queue:work workers): pid, state, restarts, uptime, memory')
    .option('--watch', 'refresh until Ctrl-C')
    .option('--interval <ms>', 'refresh period with --watch (default 1000)', (v) => positiveInt('--interval', v), 1_000)
    .action(async (o: { watch?: boolean; interval: number }) => {
      const out = createOutput(json());
      const root = findProject().root;
      const show = () => {
        const found = appProcesses(root);
        const supervisors = [...found.published.map((s) => ({ ...s, source: 'ody' as const })), ...found.scanned.map((s) => ({ ...s, source: 'scan' as const }))];
        if (out.json) out.line(JSON.stringify({ supervisors }));
        else out.line(`${o.watch && out.tty ? '\u001b[2J\u001b[H' : ''}${formatStatus(found)}${o.watch ? '\n' : ''}`);
      };
      show();
      if (!o.watch) return;
      await new Promise<void>((resolve) => {
        const timer = setInterval(show, o.interval);
        const stop = () => {
          clearInterval(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  for (const kind of kinds) {
    program
      .command(`make:${kind} <name>`)
      .description(`generate a ${kind} with its test (refuses to overwrite)`)
      .action((name: string) => {
        const out = createOutput(json());
        const result = make(findProject(), kind, name);
        if (out.json) return out.data(result);
        for (const file of result.files) out.line(`${out.ok('created')} ${file}`);
        if (result.registered) out.line(`${out.ok('registered')} in ${result.registered}`);
        if (result.hint) out.line(result.hint);
      });
  }
  return { program, exitCode: () => code };
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError('ODY_CLI_USAGE', `${flag} must be a positive integer, got '${value}'.`);
  return n;
}

const usageCodes = new Set(['ODY_CLI_USAGE', 'ODY_CLI_NAME_INVALID', 'ODY_CLI_FILE_EXISTS', 'ODY_CLI_PROJECT_NOT_FOUND', 'ODY_CLI_APP_NOT_FOUND']);

/** Run `ody` with `argv` (without node and the script); resolves with the process exit code. */
export async function main(argv: readonly string[], version: string): Promise<number> {
  const { program, exitCode } = createProgram(version);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return exitCodes.ok;
      return exitCodes.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`ody: ${error.message}\n`);
      return usageCodes.has(error.code) ? exitCodes.usage : exitCodes.failed;
    }
    // Anything the app throws (bad config, a driver that cannot connect): its message, exit 1.
    const code = (error as { code?: unknown }).code;
    process.stderr.write(`ody: ${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}\n`);
    return exitCodes.failed;
  }
}
