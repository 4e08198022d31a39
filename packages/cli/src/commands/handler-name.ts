import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a function was written: file (as a URL or path) and 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
}

/**
 * Where V8 says each function starts ([[FunctionLocation]] through an in-process inspector session),
 * mapped back to the source through the loaded source map (tsx's inline maps, tsc's .map files) when
 * Node has one: so an anonymous route handler can be named by its file and line. Call
 * `process.setSourceMapsEnabled(true)` before the app is loaded to get source positions.
 */
export function functionLocations(fns: readonly unknown[]): Array<SourceLocation | undefined> {
  const session = new Session();
  session.connect();
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', (m) => scripts.set(m.params.scriptId, m.params.url));
  // An in-process session answers synchronously: every callback below has run when post() returns.
  session.post('Debugger.enable', () => undefined);
  const key = `__odyFunctionLocation${process.pid}`;
  const holder = globalThis as Record<string, unknown>;
  try {
    return fns.map((fn) => {
      if (typeof fn !== 'function') return undefined;
      holder[key] = fn;
      let found: { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
      session.post('Runtime.evaluate', { expression: `globalThis.${key}` }, (err, res) => {
        const objectId = res?.result.objectId;
        if (err || objectId === undefined) return;
        // A bound function has no location of its own: follow [[TargetFunction]] (bound twice: again).
        const locate = (id: string, depth: number) =>
          session.post('Runtime.getProperties', { objectId: id, ownProperties: true }, (err2, props) => {
            const internal = err2 ? [] : (props.internalProperties ?? []);
            const target = internal.find((p) => p.name === '[[TargetFunction]]')?.value?.objectId;
            if (target !== undefined && depth < 5) return locate(target, depth + 1);
            found = internal.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as typeof found;
          });
        locate(objectId, 0);
        session.post('Runtime.releaseObject', { objectId }, () => undefined);
      });
      const url = found === undefined ? undefined : scripts.get(found.scriptId);
      if (found === undefined || url === undefined || url === '' || url.startsWith('node:')) return undefined;
      const entry = findSourceMap(url)?.findEntry(found.lineNumber, found.columnNumber);
      const mapped = entry !== undefined && 'originalSource' in entry ? entry : undefined;
      return mapped ? { file: mapped.originalSource, line: mapped.originalLine + 1 } : { file: url, line: found.lineNumber + 1 };
    });
  } finally {
    delete holder[key];
    session.post('Debugger.disable', () => undefined);
    session.disconnect();
  }
}

/** `name at src/file.ts:12`, `<anonymous> at src/file.ts:12`; paths relative to `root`, tsx's query stripped. */
export function describeHandler(fn: unknown, location: SourceLocation | undefined, root: string): string {
  const raw = typeof fn === 'function' ? fn.name.replace(/^bound /, '') : '';
  const name = raw === '' || raw === 'anonymous' ? '<anonymous>' : raw;
  if (location === undefined) return name;
  let file = location.file.replace(/\?.*$/, '');
  if (file.startsWith('file:')) file = fileURLToPath(file);
  return `${name} at ${relative(root, file) || file}:${location.line}`;
}
