import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.js';
import { detectPackageManager, runCommand } from './package-manager.js';

describe('parseCliArgs', () => {
  it('reads a target and every flag', () => {
    expect(parseCliArgs(['my-app', '--template', 'cqrs', '--pm', 'pnpm', '--no-install', '--no-git', '-y', '--overwrite'])).toEqual({
      target: 'my-app',
      template: 'cqrs',
      pm: 'pnpm',
      install: false,
      git: false,
      yes: true,
      overwrite: true,
      help: false,
      version: false,
    });
  });

  it('leaves unasked questions undefined', () => {
    const args = parseCliArgs([]);
    expect(args.target).toBeUndefined();
    expect(args.template).toBeUndefined();
    expect(args.install).toBeUndefined();
  });

  it('rejects an unknown flag with a usage error', () => {
    expect(() => parseCliArgs(['--templat', 'api'])).toThrow(expect.objectContaining({ code: 'ODY_CREATE_USAGE' }));
  });

  it('rejects two targets', () => {
    expect(() => parseCliArgs(['a', 'b'])).toThrow(expect.objectContaining({ code: 'ODY_CREATE_USAGE' }));
  });

  it('lists the templates when the name is wrong', () => {
    expect(() => parseCliArgs(['x', '-t', 'rest'])).toThrow(/Unknown template 'rest'.*\n.*api.*\n.*realtime.*\n.*cqrs.*\n.*worker/s);
  });

  it('rejects an unknown package manager', () => {
    expect(() => parseCliArgs(['x', '--pm', 'pip'])).toThrow(expect.objectContaining({ code: 'ODY_CREATE_PM_UNKNOWN' }));
  });
});

describe('package manager', () => {
  it('is detected from npm_config_user_agent', () => {
    expect(detectPackageManager('pnpm/9.12.0 npm/? node/v20.20.2 linux x64')).toBe('pnpm');
    expect(detectPackageManager('yarn/4.1.0 npm/? node/v20.20.2 linux x64')).toBe('yarn');
    expect(detectPackageManager('bun/1.1.0 npm/? node/v20.20.2 linux x64')).toBe('bun');
    expect(detectPackageManager('npm/11.0.0 node/v20.20.2 linux x64 workspaces/false')).toBe('npm');
  });

  it('falls back to npm when unknown or missing', () => {
    expect(detectPackageManager(undefined)).toBe('npm');
    expect(detectPackageManager('deno/2.0')).toBe('npm');
  });

  it('says how to run a script', () => {
    expect(runCommand('npm', 'dev')).toBe('npm run dev');
    expect(runCommand('pnpm', 'dev')).toBe('pnpm dev');
  });
});
