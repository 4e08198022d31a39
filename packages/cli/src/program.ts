import { Command, CommanderError } from 'commander';
import { build, dev, start } from './commands/tools.js';
import { doctor } from './commands/doctor.js';
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
      return error.code === 'ODY_CLI_STEP_FAILED' ? exitCodes.failed : exitCodes.usage;
    }
    throw error;
  }
}
