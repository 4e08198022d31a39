import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { CreateAppError } from './errors.js';
import { type PackageManager, runCommand } from './package-manager.js';
import { type TemplateName, templatesRoot } from './templates.js';

/** What `scaffold()` writes. */
export interface ScaffoldOptions {
  /** Target folder (created when missing). */
  target: string;
  template: TemplateName;
  /** npm package name of the new app; default: the target folder's name. */
  name?: string;
  /** Package manager named in the generated README's commands. Default npm. */
  pm?: PackageManager;
  /** Empty a non-empty target first (a `.git` folder is kept). */
  overwrite?: boolean;
  /** Version range of the `@ody/*` dependencies; default `^` + this package's version. */
  odyRange?: string;
}

/** Files that npm refuses to publish under their real names are stored renamed in templates/. */
const RENAMED: Record<string, string> = { _gitignore: '.gitignore', _npmrc: '.npmrc' };
const TEXT = /\.(ts|js|json|md|html|css|example|txt)$|^\.gitignore$/;

/**
 * Write a template into `target` and fill in its placeholders; returns the written files (relative,
 * sorted). Throws ODY_CREATE_TARGET_NOT_EMPTY or ODY_CREATE_NAME_INVALID before writing anything.
 * @example
 * scaffold({ target: 'my-app', template: 'api' }) // ['.gitignore', 'README.md', 'package.json', …]
 */
export function scaffold(options: ScaffoldOptions): string[] {
  const target = resolve(options.target);
  const name = options.name ?? basename(target);
  validatePackageName(name);
  if (!isEmptyDir(target)) {
    if (!options.overwrite) {
      throw new CreateAppError(
        'ODY_CREATE_TARGET_NOT_EMPTY',
        `Target folder ${options.target} is not empty. Pick another folder, or pass --overwrite to empty it first.`,
        { details: { target } },
      );
    }
    emptyDir(target);
  }
  cpSync(join(templatesRoot(), options.template), target, { recursive: true });
  const values: Record<string, string> = {
    name,
    odyRange: options.odyRange ?? `^${ownVersion()}`,
    template: options.template,
    run: runCommand(options.pm ?? 'npm', '').trim(),
    pm: options.pm ?? 'npm',
  };
  const written: string[] = [];
  for (const file of walk(target)) {
    let path = file;
    const renamed = RENAMED[basename(file)];
    if (renamed) {
      path = join(file, '..', renamed);
      renameSync(file, path);
    }
    if (TEXT.test(basename(path))) {
      const text = readFileSync(path, 'utf8');
      const filled = text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
      if (filled !== text) writeFileSync(path, filled);
    }
    written.push(relative(target, path).split('\\').join('/'));
  }
  return written.sort();
}

/** npm's rules for a new package name (lower case, URL-safe, at most 214 characters). */
export function validatePackageName(name: string): void {
  const ok = name.length > 0 && name.length <= 214 && /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name);
  if (!ok) {
    throw new CreateAppError(
      'ODY_CREATE_NAME_INVALID',
      `'${name}' is not a valid npm package name: use lower-case letters, digits, '-', '.', '_' (e.g. my-app).`,
      { details: { name } },
    );
  }
}

/** The version of this create-ody-app (the `@ody/*` packages share it: one fixed release group). */
export function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(join(templatesRoot(), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** True when `dir` is missing, or a folder holding nothing but `.git`. */
export function isEmptyDir(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) return false;
  return readdirSync(dir).every((entry) => entry === '.git');
}

function emptyDir(dir: string): void {
  if (!statSync(dir).isDirectory()) rmSync(dir, { force: true });
  else for (const entry of readdirSync(dir)) if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
