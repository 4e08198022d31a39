import { type Application, createApplication } from '@ody/core';
import { clockPlugin } from './clock-plugin.js';

/** Builds the example application; the same factory runs in the main thread or a worker. */
export function createApp(config: Record<string, unknown> = {}): Promise<Application> {
  return createApplication({
    config: { app: { name: 'ody-example' }, ...config },
    plugins: [clockPlugin()],
  });
}
