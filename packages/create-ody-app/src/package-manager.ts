import { CreateAppError } from './errors.js';

/** Package managers the scaffolder knows how to drive. */
export const packageManagers = ['npm', 'pnpm', 'yarn', 'bun'] as const;

/** One of `packageManagers`. */
export type PackageManager = (typeof packageManagers)[number];

/** True when `value` names a supported package manager. */
export function isPackageManager(value: string): value is PackageManager {
  return (packageManagers as readonly string[]).includes(value);
}

/**
 * The package manager that ran us, from `npm_config_user_agent` (`pnpm/9.1.0 npm/? node/v20…`);
 * npm when unknown.
 * @example
 * detectPackageManager('yarn/4.1.0 npm/? node/v20.11.0 linux x64') // 'yarn'
 */
export function detectPackageManager(userAgent: string | undefined = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0] ?? '';
  return isPackageManager(name) ? name : 'npm';
}

/** Validate a `--pm` value. */
export function parsePackageManager(value: string): PackageManager {
  if (isPackageManager(value)) return value;
  throw new CreateAppError('ODY_CREATE_PM_UNKNOWN', `Unknown package manager '${value}'. Use one of: ${packageManagers.join(', ')}.`, {
    details: { value, known: [...packageManagers] },
  });
}

/** The command a user types to run a package script with `pm` (`npm run dev`, `pnpm dev`). */
export function runCommand(pm: PackageManager, script: string): string {
  return pm === 'npm' ? `npm run ${script}` : `${pm} ${script}`;
}
