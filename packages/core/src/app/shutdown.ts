import { CoreError } from '../errors.js';
import type { Logger } from '../logger.js';
import { withTimeout } from '../timeout.js';

/** One plugin's teardown: its onShutdown hooks (last first), then its shutdown hook. */
export interface TeardownStep {
  plugin: string;
  hooks: Array<() => void | Promise<void>>;
  shutdown?: () => void | Promise<void>;
  timeoutMs: number;
}

/** A failure collected during shutdown. */
export interface ShutdownFailure {
  plugin: string;
  error: unknown;
}

/**
 * Run teardown steps in the order given (callers pass reverse boot order). Every step runs even when
 * an earlier one failed; each is bounded by its timeout. Returns every failure.
 */
export async function runTeardown(steps: readonly TeardownStep[], logger: Logger): Promise<ShutdownFailure[]> {
  const failures: ShutdownFailure[] = [];
  for (const step of steps) {
    const work = async () => {
      for (const hook of [...step.hooks].reverse()) {
        try {
          await hook();
        } catch (error) {
          failures.push({ plugin: step.plugin, error });
        }
      }
      await step.shutdown?.();
    };
    try {
      await withTimeout(work, step.timeoutMs, `Shutdown of plugin '${step.plugin}'`);
      logger.debug({ plugin: step.plugin }, 'plugin stopped');
    } catch (error) {
      failures.push({ plugin: step.plugin, error });
      logger.error({ plugin: step.plugin, err: error }, 'plugin failed to stop cleanly');
    }
  }
  return failures;
}

/** One error that names every plugin that failed to stop. */
export function shutdownError(failures: readonly ShutdownFailure[]): CoreError {
  const lines = failures.map((f) => `  - ${f.plugin}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
  return new CoreError(
    'ODY_SHUTDOWN_FAILED',
    `${failures.length} shutdown step(s) failed:\n${lines.join('\n')}`,
    { cause: new AggregateError(failures.map((f) => f.error)), details: { plugins: failures.map((f) => f.plugin) } },
  );
}
