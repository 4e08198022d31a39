/** IPC envelope between a manager and a child (internal). The `ody` key marks our messages. */
export type Envelope =
  | { ody: 'ready' }
  | { ody: 'msg'; data: unknown }
  | { ody: 'req'; id: number; data: unknown; h?: Record<string, string> }
  | { ody: 'res'; id: number; ok: true; data: unknown }
  | { ody: 'res'; id: number; ok: false; error: { name: string; message: string; code?: unknown; stack?: string } };

/** True for messages sent by Ody's IPC layer. */
export function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as { ody?: unknown }).ody === 'string';
}

/** Environment variables a managed child receives. */
export const ENV = {
  name: 'ODY_PROCESS_NAME',
  instance: 'ODY_PROCESS_INSTANCE',
  stopTimeoutMs: 'ODY_PROCESS_STOP_TIMEOUT_MS',
} as const;
