import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Where a generated thing is listed: a `/* ody:<slot> *\/` marker in the app's source. */
export interface Registration {
  /** File holding the marker, e.g. src/app.ts. */
  file: string;
  /** Marker name: plugins, controllers, handlers. */
  slot: string;
  /** What goes in the list, e.g. `UsersController`. */
  entry: string;
  /** The import line the entry needs (path relative to `file`). */
  importLine: string;
}

/**
 * Insert `entry` before the `/* ody:<slot> *\/` marker and the import after the last import.
 * Returns false (nothing changed) when the file or the marker is missing; idempotent.
 */
export function register(r: Registration): boolean {
  if (!existsSync(r.file)) return false;
  const text = readFileSync(r.file, 'utf8');
  const marker = `/* ody:${r.slot} */`;
  if (!text.includes(marker)) return false;
  if (text.includes(r.importLine)) return true;
  let out = text.replace(marker, `${r.entry}, ${marker}`);
  const imports = [...out.matchAll(/^import .*;$/gm)];
  const last = imports.at(-1);
  const at = last === undefined ? 0 : (last.index ?? 0) + last[0].length + 1;
  out = `${out.slice(0, at)}${r.importLine}\n${out.slice(at)}`;
  writeFileSync(r.file, out);
  return true;
}
