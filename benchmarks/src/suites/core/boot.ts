/**
 * Application boot with 50 plugins and 200 providers: Ody's createApplication + start against NestJS's
 * NestFactory.createApplicationContext. Same graph on both sides: 50 units (Ody plugins / Nest modules),
 * each with 4 singleton classes; a unit's first class injects the previous unit's last class (so units
 * depend on each other in a chain), the others inject their predecessor in the unit. The clock stops when
 * every one of the 200 providers exists: Nest instantiates them all while creating the context, so Ody's
 * side resolves each token once after start. Fresh classes every run (nothing cached between runs).
 */
import 'reflect-metadata';
import { type AnyPlugin, createApplication, definePlugin, inject, injectable, type Token, token } from '@ody/core';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

export const UNITS = 50;
export const PER_UNIT = 4;

type Ctor = new (...args: never[]) => object;

/** One Ody plugin graph, built fresh (outside the clock). */
function odyGraph(run: number): { plugins: AnyPlugin[]; tokens: Token<object>[] } {
  const tokens: Token<object>[] = [];
  const plugins: AnyPlugin[] = [];
  for (let u = 0; u < UNITS; u++) {
    const classes: [Token<object>, Ctor][] = [];
    for (let k = 0; k < PER_UNIT; k++) {
      const t = token<object>(`@ody/bench/r${run}/u${u}/p${k}`);
      const before = tokens.at(-1);
      let cls: Ctor;
      if (before === undefined) {
        @injectable()
        class Leaf {}
        cls = Leaf;
      } else {
        const previous: Token<object> = before;
        @injectable()
        class Provider {
          constructor(@inject(previous) readonly dep: object) {}
        }
        cls = Provider;
      }
      tokens.push(t);
      classes.push([t, cls]);
    }
    plugins.push(
      definePlugin({
        name: `u${u}`,
        dependsOn: u === 0 ? [] : [`u${u - 1}`],
        register(ctx) {
          for (const [t, cls] of classes) ctx.bind(t).toClass(cls as new () => object);
        },
      }),
    );
  }
  return { plugins, tokens };
}

/** Milliseconds from createApplication to all 200 providers built; stops the app afterwards. */
export async function odyBoot(run: number): Promise<number> {
  const { plugins, tokens } = odyGraph(run);
  const started = process.hrtime.bigint();
  const app = await createApplication({ envFile: false, env: {}, logger: { destination: { write() {} } }, plugins });
  await app.start();
  for (const t of tokens) if (app.get(t) === undefined) throw new Error('provider missing');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await app.stop();
  return ms;
}

/** One Nest module chain, built fresh; returns the root module. */
function nestGraph(run: number): { root: Ctor; last: string } {
  let previous: { module: Ctor; exported: string } | undefined;
  for (let u = 0; u < UNITS; u++) {
    const providers: Ctor[] = [];
    let dep = previous?.exported;
    for (let k = 0; k < PER_UNIT; k++) {
      const id = `r${run}/u${u}/p${k}`;
      let cls: Ctor;
      if (dep === undefined) {
        @Injectable()
        class Leaf {}
        cls = Leaf;
      } else {
        const d = dep;
        @Injectable()
        class Provider {
          constructor(@Inject(d) readonly dep: object) {}
        }
        cls = Provider;
      }
      providers.push({ provide: id, useClass: cls } as unknown as Ctor);
      dep = id;
    }
    const imports = previous ? [previous.module] : [];
    const exported = dep as string;
    @Module({ imports, providers, exports: [exported] })
    class Unit {}
    previous = { module: Unit, exported };
  }
  return { root: previous!.module, last: previous!.exported };
}

/** Milliseconds for NestFactory.createApplicationContext over the same graph; closes it afterwards. */
export async function nestBoot(run: number): Promise<number> {
  const { root, last } = nestGraph(run);
  const started = process.hrtime.bigint();
  const ctx = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  if (ctx.get(last, { strict: false }) === undefined) throw new Error('provider missing');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await ctx.close();
  return ms;
}
