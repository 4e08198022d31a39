import { CliError } from '../errors.js';
import { startWithQueues } from '../work/child-main.js';

/** The status record of an async command (from @ody/cqrs's status store). */
export interface CommandStatus {
  id: string;
  name: string;
  queue: string;
  state: string;
  attempts: number;
  result?: unknown;
  error?: { name?: string; message: string; code?: string };
  createdAt: number;
  updatedAt: number;
}

interface StoreLike {
  readonly name: string;
  get(id: string): Promise<CommandStatus | undefined>;
}

/**
 * `ody commands:status <id>`: start the app without any worker (HTTP on 127.0.0.1:0), read the
 * record from its command status store (filesystem or Redis; memory refused), stop it.
 */
export async function commandStatus(root: string, file: string | undefined, id: string): Promise<CommandStatus> {
  const started = await startWithQueues(root, file, []);
  try {
    const key = Symbol.for('@ody/cqrs/CommandStatusStore');
    if (!started.app.has(key)) throw new CliError('ODY_CLI_UNSUPPORTED', `The app has no cqrs plugin (plugins: ${started.app.plugins.join(', ') || 'none'}), so it has no async commands.`);
    const store = started.app.get<StoreLike>(key);
    if (store.name === 'memory') {
      throw new CliError('ODY_CLI_UNSUPPORTED', "The app's command status store is 'memory': it lives inside the app's own process, so ody cannot read it. Use the filesystem or Redis queue driver.");
    }
    const record = await store.get(id);
    if (record === undefined) throw new CliError('ODY_CLI_JOB_NOT_FOUND', `No async command '${id}' in the ${store.name} status store.`, { details: { id } });
    return record;
  } finally {
    await started.stop();
  }
}
