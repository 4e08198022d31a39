import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A Redis-joined server running in its own OS process (see fixtures/redis-node.ts). */
export class NodeProcess {
  url = '';
  private nextId = 1;
  private readonly replies = new Map<number, (v: Record<string, unknown>) => void>();

  private constructor(readonly child: ChildProcess) {}

  static async start(env: Record<string, string>): Promise<NodeProcess> {
    const file = fileURLToPath(new URL('../fixtures/redis-node.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const node = new NodeProcess(child);
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`node process exited early (${code})`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (typeof msg.url === 'string') {
          node.url = msg.url;
          resolve();
        } else node.replies.get(msg.id as number)?.(msg);
      });
    });
    await ready;
    return node;
  }

  /** Send a command and wait for its reply line. */
  command(op: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Ids of the members of a presence channel as this node sees them. */
  async memberIds(channel: string): Promise<string[]> {
    const r = await this.command('members', { channel });
    return (r.members as { id: string }[]).map((m) => m.id).sort();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }
}
