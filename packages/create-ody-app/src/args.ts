import { parseArgs } from 'node:util';
import { CreateAppError } from './errors.js';
import { type PackageManager, parsePackageManager } from './package-manager.js';
import { parseTemplate, type TemplateName, templates } from './templates.js';

/** What the command line asked for; undefined fields are asked (TTY) or defaulted (`--yes`, no TTY). */
export interface CliArgs {
  target?: string;
  template?: TemplateName;
  pm?: PackageManager;
  install?: boolean;
  git?: boolean;
  yes: boolean;
  overwrite: boolean;
  help: boolean;
  version: boolean;
}

/** The usage text printed by `--help` and after a usage error. */
export const usage = `Usage: npm create ody-app@latest [target] -- [options]
       create-ody-app [target] [options]

Options:
  -t, --template <name>   ${Object.keys(templates).join(' | ')} (default: api)
      --pm <name>         npm | pnpm | yarn | bun (default: the one running this command)
      --install / --no-install   install dependencies (default: install)
      --git / --no-git    initialise a git repository with a first commit (default: git)
  -y, --yes               accept the defaults for everything not given; never prompt
      --overwrite         empty a non-empty target folder first
  -h, --help              this text
  -v, --version           the version of create-ody-app

Without a TTY nothing is asked: a target is required and the defaults apply.`;

/**
 * Parse `argv` (without node and the script). Unknown flags and bad values throw ODY_CREATE_USAGE,
 * ODY_CREATE_TEMPLATE_UNKNOWN or ODY_CREATE_PM_UNKNOWN.
 * @example
 * parseCliArgs(['my-app', '--template', 'cqrs', '--no-install'])
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseRaw>;
  try {
    parsed = parseRaw(argv);
  } catch (error) {
    throw new CreateAppError('ODY_CREATE_USAGE', (error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CreateAppError('ODY_CREATE_USAGE', `Expected one target folder, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const args: CliArgs = {
    yes: values.yes === true,
    overwrite: values.overwrite === true,
    help: values.help === true,
    version: values.version === true,
  };
  if (positionals[0] !== undefined) args.target = positionals[0];
  if (values.template !== undefined) args.template = parseTemplate(values.template);
  if (values.pm !== undefined) args.pm = parsePackageManager(values.pm);
  if (values.install !== undefined) args.install = values.install;
  if (values.git !== undefined) args.git = values.git;
  return args;
}

function parseRaw(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      template: { type: 'string', short: 't' },
      pm: { type: 'string' },
      install: { type: 'boolean' },
      git: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      overwrite: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
