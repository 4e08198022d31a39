import { CoreError } from './errors.js';

/** Run `work` but give up after `ms`, rejecting with ODY_TIMEOUT naming `what`. */
export async function withTimeout<T>(work: () => Promise<T> | T, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CoreError('ODY_TIMEOUT', `${what} did not finish within ${ms} ms.`, { details: { ms, what } })),
      ms,
    );
    // Kept referenced on purpose: a hung step with nothing else alive must still time out and be
    // reported, not let the process exit 0 as if it had finished.
  });
  try {
    return await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
