import { definePlugin, token, z } from '@ody/core';

/** Counts ticks; the example's own plugin, to show config, tokens and lifecycle. */
export interface Clock {
  readonly ticks: number;
}

/** Token of the example clock. */
export const ClockToken = token<Clock>('@ody/example/Clock');

/** A plugin that ticks while the app runs and stops cleanly. */
export const clockPlugin = () =>
  definePlugin({
    name: 'clock',
    configSchema: z.object({ intervalMs: z.number().int().positive().default(5_000) }),
    register(ctx) {
      const state = { ticks: 0 };
      ctx.bind(ClockToken).toValue(state);
    },
    boot(ctx) {
      const state = ctx.get(ClockToken) as { ticks: number };
      const timer = setInterval(() => {
        state.ticks += 1;
        ctx.logger.debug({ ticks: state.ticks }, 'tick');
      }, ctx.config.intervalMs);
      ctx.onShutdown(() => clearInterval(timer));
    },
  });
