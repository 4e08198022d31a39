import * as p from '@clack/prompts';
import type { CliArgs } from './args.js';
import { type TemplateName, templates } from './templates.js';

/** The answers the interactive flow fills in. */
export interface Answers {
  target: string;
  template: TemplateName;
  install: boolean;
  git: boolean;
  overwrite: boolean;
}

/** Thrown when the user cancels a prompt (Ctrl-C); the CLI exits 130 without writing anything. */
export class Cancelled extends Error {}

function answered<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled('cancelled');
  return value as Exclude<T, symbol>;
}

/** Ask, on a TTY, for everything the flags left open. */
export async function ask(args: CliArgs, isEmpty: (dir: string) => boolean): Promise<Answers> {
  p.intro('create-ody-app');
  const target =
    args.target ??
    answered(await p.text({ message: 'Project folder', placeholder: 'ody-app', defaultValue: 'ody-app' }));
  let overwrite = args.overwrite;
  if (!overwrite && !isEmpty(target)) {
    overwrite = answered(await p.confirm({ message: `${target} is not empty. Empty it first?`, initialValue: false }));
    if (!overwrite) throw new Cancelled('target not empty');
  }
  const template =
    args.template ??
    answered(
      await p.select<TemplateName>({
        message: 'Template',
        options: Object.entries(templates).map(([value, hint]) => ({ value: value as TemplateName, label: value, hint })),
      }),
    );
  const install = args.install ?? answered(await p.confirm({ message: 'Install dependencies?', initialValue: true }));
  const git = args.git ?? answered(await p.confirm({ message: 'Initialise a git repository?', initialValue: true }));
  return { target, template, install, git, overwrite };
}

/** Start a spinner on a TTY; a plain line otherwise. */
export function progress(interactive: boolean, message: string): { stop(done: string): void } {
  if (!interactive) {
    console.log(message);
    return { stop: (done) => console.log(done) };
  }
  const s = p.spinner();
  s.start(message);
  return { stop: (done) => s.stop(done) };
}
