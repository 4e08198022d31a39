import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../errors.js';
import { dependsOn, type Project } from '../project.js';
import { generators, type Kind } from './generators.js';
import { names } from './names.js';
import { register } from './register.js';

/** What `ody make:<kind>` did. */
export interface MakeResult {
  kind: Kind;
  files: string[];
  /** Where it was registered (e.g. `src/app.ts (plugins)`), or undefined with a `hint`. */
  registered?: string;
  hint?: string;
}

/**
 * Write a generated controller, route, command, query, event, plugin, task, process, aggregate or projection with its test.
 * Refuses (ODY_CLI_FILE_EXISTS, nothing written) when any file exists. Registers it at the
 * `/* ody:<slot> *\/` marker in src/app.ts when the app has one.
 */
export function make(project: Project, kind: Kind, name: string): MakeResult {
  const generated = generators[kind](names(name));
  const taken = generated.files.filter((f) => existsSync(join(project.root, f.path)));
  if (taken.length > 0) {
    throw new CliError('ODY_CLI_FILE_EXISTS', `Not overwriting ${taken.map((f) => f.path).join(', ')}; pick another name or remove the file.`, {
      details: { files: taken.map((f) => f.path) },
    });
  }
  for (const file of generated.files) {
    const path = join(project.root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  const result: MakeResult = { kind, files: generated.files.map((f) => f.path) };
  const reg = generated.register;
  const appFile = join(project.root, 'src', 'app.ts');
  if (reg && register({ file: appFile, slot: reg.slot, entry: reg.entry, importLine: `import { ${reg.name ?? reg.entry.replace(/\(\)$/, '')} } from '${reg.from}';` })) {
    result.registered = `src/app.ts (${reg.slot})`;
  } else {
    const hint = generated.hint ?? (reg ? `Register it: add ${reg.entry} to the ${reg.slot} list (import from '${reg.from}').` : undefined);
    if (hint !== undefined) result.hint = hint;
  }
  const needs = kind === 'process' ? '@ody/process' : kind === 'aggregate' || kind === 'projection' ? '@ody/eventsourcing' : undefined;
  if (needs !== undefined && !dependsOn(project, needs)) {
    result.hint = `The app does not depend on ${needs} yet: npm install ${needs}. ${result.hint ?? ''}`.trim();
  }
  return result;
}
