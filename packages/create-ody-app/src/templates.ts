import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateAppError } from './errors.js';

/** The templates `create-ody-app` can write, with what each one is for. */
export const templates = {
  api: 'HTTP API: controllers and functional routes with schema validation, problem+json errors, in-process request tests',
  realtime: 'api plus WebSocket channels and a small static page that shows live messages',
  cqrs: 'commands, queries and events; async commands on the filesystem queue with status polling and a worker process',
  worker: 'a queue worker service with the task pool and a supervised process',
} as const;

/** A template name. */
export type TemplateName = keyof typeof templates;

/** The default template when none is asked for. */
export const defaultTemplate: TemplateName = 'api';

/** Validate a template name; a bad one lists the valid ones. */
export function parseTemplate(value: string): TemplateName {
  if (Object.hasOwn(templates, value)) return value as TemplateName;
  const list = Object.entries(templates)
    .map(([name, what]) => `  ${name.padEnd(9)} ${what}`)
    .join('\n');
  throw new CreateAppError('ODY_CREATE_TEMPLATE_UNKNOWN', `Unknown template '${value}'. Templates:\n${list}`, {
    details: { value, known: Object.keys(templates) },
  });
}

/**
 * Folder holding the templates: `templates/` beside `dist/` in the published package, or beside
 * `src/` when running from source.
 */
export function templatesRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', 'templates'), join(here, '..', '..', 'templates')]) {
    if (existsSync(join(candidate, 'api'))) return candidate;
  }
  throw new Error(`create-ody-app: templates folder not found next to ${here}; the package is incomplete`);
}
