import { CoreError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * What every shutdown step is handed: the one application budget. Drain while `signal` is not
 * aborted; when it aborts, close what is left at once (cancel in-flight work, drop connections).
 */
export interface ShutdownBudget {
  /** Aborts when the budget runs out (its reason is an ODY_TIMEOUT CoreError). */
  readonly signal: AbortSignal;
  /** Epoch ms at which `signal` aborts. */
  readonly deadline: number;
  /** Milliseconds left before `signal` aborts (0 once it has). */
  remainingMs(): number;
}

/** One plugin's teardown: its onShutdown hooks (last first), then its shutdown hook. */
export interface TeardownStep {
  plugin: string;
  hooks: Array<(budget: ShutdownBudget) => void | Promise<void>>;
  shutdown?: (budget: ShutdownBudget) => void | Promise<void>;
  /** Deprecated per-plugin cap inside the budget (PluginDefinition.shutdownTimeoutMs). */
  capMs?: number;
}

/** A failure collected during shutdown. */
export interface ShutdownFailure {
  plugin: string;
  error: unknown;
}

/** Budget settings: the whole stop gets `budgetMs`; steps still running `graceMs` after it are reported. */
export interface TeardownBudget {
  budgetMs: number;
  graceMs: number;
  /** Aborted with the same reason when the budget runs out (backs `ctx.shutdownSignal`). */
  linked?: AbortController;
}

/** Resolves after `ms` (referenced: a hung step with nothing else alive must still be reported). */
function after(ms: number): { promise: Promise<'late'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** An AbortController that aborts at `deadline` with an ODY_TIMEOUT naming `what`. */
function deadlineController(deadline: number, ms: number, what: string): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new CoreError('ODY_TIMEOUT', `${what} did not finish within ${ms} ms.`, { details: { ms, what } })),
    Math.max(0, deadline - Date.now()),
  );
  return { controller, dispose: () => clearTimeout(timer) };
}

function budgetOf(signal: AbortSignal, deadline: number): ShutdownBudget {
  return { signal, deadline, remainingMs: () => (signal.aborted ? 0 : Math.max(0, deadline - Date.now())) };
}

/**
 * Run teardown steps in the order given (callers pass reverse boot order) within one budget. Every
 * step runs even when an earlier one failed, and is awaited until it settles: a step is only given up
 * on (and reported) when it is still running `graceMs` after the budget's signal aborted, so stop()
 * never reports success while a plugin is still serving. Returns every failure.
 */
export async function runTeardown(steps: readonly TeardownStep[], logger: Logger, budget: TeardownBudget): Promise<ShutdownFailure[]> {
  const failures: ShutdownFailure[] = [];
  const start = Date.now();
  const deadline = start + budget.budgetMs;
  const app = deadlineController(deadline, budget.budgetMs, 'Application shutdown');
  const linked = budget.linked;
  if (linked !== undefined) app.controller.signal.addEventListener('abort', () => linked.abort(app.controller.signal.reason), { once: true });
  try {
    for (const step of steps) {
      const what = `Shutdown of plugin '${step.plugin}'`;
      const capped = step.capMs !== undefined && Date.now() + step.capMs < deadline;
      const cap = capped ? deadlineController(Date.now() + step.capMs!, step.capMs!, what) : undefined;
      const signal = cap === undefined ? app.controller.signal : AbortSignal.any([app.controller.signal, cap.controller.signal]);
      const stepBudget = budgetOf(signal, capped ? Date.now() + step.capMs! : deadline);
      const work = (async () => {
        for (const hook of [...step.hooks].reverse()) {
          try {
            await hook(stepBudget);
          } catch (error) {
            failures.push({ plugin: step.plugin, error });
          }
        }
        await step.shutdown?.(stepBudget);
      })();
      try {
        const outcome = await settleOrGiveUp(work, signal, budget.graceMs);
        if (outcome === 'late') {
          const reason = signal.reason as CoreError;
          throw new CoreError('ODY_TIMEOUT', `${reason.message.replace(/\.$/, '')}: still running ${budget.graceMs} ms after its signal aborted.`, {
            details: { ...reason.details, plugin: step.plugin, graceMs: budget.graceMs },
          });
        }
        if (signal.aborted) logger.warn({ plugin: step.plugin }, 'plugin stopped only after the shutdown budget ran out');
        else logger.debug({ plugin: step.plugin }, 'plugin stopped');
      } catch (error) {
        failures.push({ plugin: step.plugin, error });
        logger.error({ plugin: step.plugin, err: error }, 'plugin failed to stop cleanly');
      } finally {
        cap?.dispose();
      }
    }
  } finally {
    app.dispose();
  }
  return failures;
}

/** Wait for `work`; once `signal` aborts, wait at most `graceMs` more, then answer 'late'. */
async function settleOrGiveUp(work: Promise<void>, signal: AbortSignal, graceMs: number): Promise<'done' | 'late'> {
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const first = await Promise.race([work.then(() => 'done' as const), aborted]);
  if (first === 'done') return 'done';
  const grace = after(graceMs);
  try {
    return await Promise.race([work.then(() => 'done' as const), grace.promise]);
  } finally {
    grace.cancel();
  }
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
