import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tiny tmpfs mounted for one test (a real full disk), or undefined with a visible reason when mounting is not allowed. */
export interface Tmpfs {
  dir: string;
  unmount(): void;
}

/** Mount a tmpfs of `size` (e.g. '2m') on a fresh temp dir. Needs root (or CAP_SYS_ADMIN); returns undefined otherwise. */
export function mountTmpfs(size: string): Tmpfs | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ody-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    // Like a missing server: a visible skip on a user's machine, a failure under CI=true (CI runs as root).
    if (process.env.CI === 'true') throw new Error(`cannot mount a ${size} tmpfs (${why}); CI=true needs the full-disk tests (run as root)`);
    console.warn(`[skip] cannot mount a ${size} tmpfs (${why}); full-disk tests are skipped`);
    return undefined;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
