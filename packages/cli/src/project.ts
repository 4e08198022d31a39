import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './errors.js';

/** The app ody works on: its root folder and package.json. */
export interface Project {
  root: string;
  pkg: { name?: string; scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
}

/** Find the nearest package.json from `from` upwards. */
export function findProject(from: string = process.cwd()): Project {
  let dir = resolve(from);
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return { root: dir, pkg: JSON.parse(readFileSync(file, 'utf8')) as Project['pkg'] };
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CliError('ODY_CLI_PROJECT_NOT_FOUND', `No package.json in ${resolve(from)} or above. Run ody inside an Ody app (npm create ody-app makes one).`);
    }
    dir = parent;
  }
}

/** Whether the project depends on a package (dependencies or devDependencies). */
export function dependsOn(project: Project, name: string): boolean {
  return Boolean(project.pkg.dependencies?.[name] ?? project.pkg.devDependencies?.[name]);
}
