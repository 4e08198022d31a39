import { alternate, median, ratioEntries, ratioOf, roundsFor } from '../measure.js';
import type { Suite } from '../types.js';
import { nestBoot, odyBoot, PER_UNIT, UNITS } from './core/boot.js';
import { getsPerSecond, inversifyGetter, odyGetter } from './core/get.js';

// What users feel of the kernel: how long an application with many plugins takes to boot (against
// NestJS's createApplicationContext on the same provider graph), and what a container get costs
// (against inversify's current major, which Ody's kernel is built on).

const suite: Suite = {
  name: 'core',
  async run({ quick }) {
    const bootRounds = roundsFor(quick, { quick: 5, full: 25 });
    let run = 0;
    // Warm both (module loading, JIT) before measuring.
    for (let i = 0; i < 3; i++) {
      await odyBoot(run++);
      await nestBoot(run++);
    }
    const boot = await alternate(bootRounds, { ody: () => odyBoot(run++), nest: () => nestBoot(run++) });

    const ody = await odyGetter();
    const inv = inversifyGetter();
    const n = quick ? 300_000 : 2_000_000;
    const getRounds = roundsFor(quick, { quick: 5, full: 15 });
    getsPerSecond(200_000, ody.get);
    getsPerSecond(200_000, inv.get);
    const gets = await alternate(getRounds, { ody: () => getsPerSecond(n, ody.get), inversify: () => getsPerSecond(n, inv.get) });
    await ody.stop();

    const bootRatio = ratioOf(boot.ody, boot.nest, false);
    const getRatio = ratioOf(gets.ody, gets.inversify);
    const providers = UNITS * PER_UNIT;
    return {
      rows: [
        { name: `ody boot, ${UNITS} plugins / ${providers} providers`, metric: 'ms', value: median(boot.ody) },
        { name: `nest createApplicationContext, ${UNITS} modules / ${providers} providers`, metric: 'ms', value: median(boot.nest) },
        { name: 'ody app.get (singleton)', metric: 'gets/s', value: median(gets.ody) },
        { name: 'inversify container.get (singleton)', metric: 'gets/s', value: median(gets.inversify) },
      ],
      ...ratioEntries({ 'ody-boot/nest-boot': bootRatio, 'ody-get/inversify8-get': getRatio }),
      notes: [
        `boot: ${UNITS} plugins (Ody) / modules (Nest) in a dependency chain, ${PER_UNIT} singleton classes each, each injecting the one before; clock from createApplication / NestFactory.createApplicationContext until all ${providers} instances exist (Ody resolves each token once after start; Nest builds them all while creating the context); ${bootRounds} alternating rounds, fresh classes every run; ratio = Nest ms / Ody ms (above 1: Ody boots faster)`,
        `get: a singleton with one injected dependency, ${n.toLocaleString('en-US')} gets per round, ${getRounds} alternating rounds; inversify binds it inSingletonScope as its docs show; Ody's kernel memoizes singletons in front of inversify, so this ratio is the memo against inversify's own singleton path, not a different algorithm`,
      ],
    };
  },
};

export default suite;
