import { relative, resolve } from 'node:path';
import { type CliArgs, parseCliArgs, usage } from './args.js';
import { CreateAppError } from './errors.js';
import { detectPackageManager, runCommand } from './package-manager.js';
import { Cancelled, ask, progress } from './prompts.js';
import { isEmptyDir, ownVersion, scaffold } from './scaffold.js';
import { initGit, installDependencies } from './steps.js';
import { defaultTemplate } from './templates.js';

/** Where the CLI talks and whether it may ask (tests pass their own). */
export interface RunIo {
  interactive: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo = (): RunIo => ({
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});

/**
 * The whole command: returns the exit code (0 done, 1 a step failed after the files were written,
 * 2 bad usage, 130 cancelled). Never prompts without a TTY.
 */
export async function run(argv: readonly string[], io: RunIo = defaultIo()): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return usageError(io, error);
  }
  if (args.help) {
    io.out(usage);
    return 0;
  }
  if (args.version) {
    io.out(ownVersion());
    return 0;
  }
  const interactive = io.interactive && !args.yes;
  if (!interactive && args.target === undefined) {
    return usageError(io, new CreateAppError('ODY_CREATE_USAGE', 'No target folder given and no TTY to ask for one.'));
  }
  const pm = args.pm ?? detectPackageManager();
  try {
    const answers = interactive
      ? await ask(args, isEmptyDir)
      : {
          target: args.target as string,
          template: args.template ?? defaultTemplate,
          install: args.install ?? true,
          git: args.git ?? true,
          overwrite: args.overwrite,
        };
    const files = scaffold({ target: answers.target, template: answers.template, pm, overwrite: answers.overwrite });
    const dir = resolve(answers.target);
    io.out(`Wrote ${files.length} files to ${dir} (template ${answers.template}):`);
    for (const file of files) io.out(`  ${file}`);
    if (answers.install) {
      const step = progress(interactive, `Installing dependencies with ${pm}…`);
      installDependencies(pm, dir);
      step.stop('Dependencies installed.');
    }
    if (answers.git && initGit(dir)) io.out('Initialised a git repository.');
    const cd = relative(process.cwd(), dir) || '.';
    io.out('\nNext:');
    io.out(`  cd ${cd}`);
    if (!answers.install) io.out(`  ${pm} install`);
    io.out(`  ${runCommand(pm, 'dev')}     # watch and restart`);
    io.out(`  ${runCommand(pm, 'test')}`);
    return 0;
  } catch (error) {
    if (error instanceof Cancelled) {
      io.err('Cancelled; nothing was written.');
      return 130;
    }
    if (error instanceof CreateAppError) {
      io.err(`create-ody-app: ${error.message}`);
      return error.code === 'ODY_CREATE_STEP_FAILED' ? 1 : 2;
    }
    throw error;
  }
}

function usageError(io: RunIo, error: unknown): number {
  io.err(`create-ody-app: ${(error as Error).message}`);
  io.err(usage);
  return 2;
}
