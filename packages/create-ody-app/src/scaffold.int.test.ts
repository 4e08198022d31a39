import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownVersion, scaffold } from './scaffold.js';

/** Every template's file list: a file added to or lost from a template shows up here. */
const expectedFiles = {
  api: ['.env.example', '.gitignore', 'README.md', 'package.json', 'src/app.test.ts', 'src/app.ts', 'src/main.ts', 'src/notes/controller.ts', 'src/notes/routes.ts', 'src/notes/store.ts', 'tsconfig.build.json', 'tsconfig.json', 'vitest.config.ts'],
  realtime: ['.env.example', '.gitignore', 'README.md', 'package.json', 'public/index.html', 'src/app.test.ts', 'src/app.ts', 'src/main.ts', 'src/notes/controller.ts', 'src/notes/routes.ts', 'src/notes/store.ts', 'src/realtime/plugin.ts', 'src/realtime/realtime.test.ts', 'tsconfig.build.json', 'tsconfig.json', 'vitest.config.ts'],
  cqrs: ['.env.example', '.gitignore', 'README.md', 'package.json', 'src/api.ts', 'src/app.ts', 'src/main.ts', 'src/orders/handlers.ts', 'src/orders/messages.ts', 'src/orders/orders.test.ts', 'src/orders/routes.ts', 'src/orders/store.ts', 'src/stock/routes.ts', 'src/stock/stock-levels.ts', 'src/stock/stock.test.ts', 'src/stock/stock.ts', 'src/worker.ts', 'tsconfig.build.json', 'tsconfig.json', 'vitest.config.ts'],
  worker: ['.env.example', '.gitignore', 'README.md', 'package.json', 'src/app.test.ts', 'src/app.ts', 'src/clock.ts', 'src/jobs.ts', 'src/main.ts', 'src/tasks.ts', 'tsconfig.build.json', 'tsconfig.json', 'vitest.config.ts'],
} as const;

describe('scaffold', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'create-ody-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  for (const template of Object.keys(expectedFiles) as Array<keyof typeof expectedFiles>) {
    it(`${template}: writes the template's files with every placeholder filled`, () => {
      const target = join(root, `my-${template}`);
      const files = scaffold({ target, template, pm: 'pnpm' });
      expect(files).toEqual([...expectedFiles[template]].sort());
      for (const file of files) expect(readFileSync(join(target, file), 'utf8'), file).not.toMatch(/\{\{\w+\}\}/);
      const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
      expect(pkg.name).toBe(`my-${template}`);
      const ody = Object.entries(pkg.dependencies as Record<string, string>).filter(([name]) => name.startsWith('@ody/'));
      expect(ody.length).toBeGreaterThan(0);
      for (const [, range] of ody) expect(range).toBe(`^${ownVersion()}`);
      expect(readFileSync(join(target, 'README.md'), 'utf8')).toContain('pnpm dev');
    });
  }

  it('refuses a non-empty target and writes nothing', () => {
    const target = join(root, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'mine');
    expect(() => scaffold({ target, template: 'api' })).toThrow(expect.objectContaining({ code: 'ODY_CREATE_TARGET_NOT_EMPTY' }));
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('with overwrite, empties the target first but keeps .git', () => {
    const target = join(root, 'busy');
    mkdirSync(join(target, '.git'), { recursive: true });
    writeFileSync(join(target, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(target, 'old.txt'), 'old');
    const files = scaffold({ target, template: 'api', overwrite: true });
    expect(files).not.toContain('old.txt');
    expect(readFileSync(join(target, '.git', 'HEAD'), 'utf8')).toContain('main');
  });

  it('rejects a name npm would refuse', () => {
    expect(() => scaffold({ target: join(root, 'My App'), template: 'api' })).toThrow(expect.objectContaining({ code: 'ODY_CREATE_NAME_INVALID' }));
  });
});
