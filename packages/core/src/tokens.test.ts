import { describe, expect, expectTypeOf, it } from 'vitest';
import { createApplication } from './app/application.js';
import { definePlugin } from './plugin/define.js';
import { type Token, token, tokenName } from './tokens.js';

interface Greeter {
  greet(name: string): string;
}
const GreeterToken = token<Greeter>('@ody/test/Greeter');

describe('typed tokens', () => {
  it('app.get(token) infers the token type', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { destination: { write() {} } },
      plugins: [definePlugin({ name: 'greeter', register: (ctx) => ctx.bind(GreeterToken).toValue({ greet: (n) => `hi ${n}` }) })],
    });
    await app.start();
    const greeter = app.get(GreeterToken);
    expectTypeOf(greeter).toEqualTypeOf<Greeter>();
    expectTypeOf(GreeterToken).toEqualTypeOf<Token<Greeter>>();
    expect(greeter.greet('ody')).toBe('hi ody');
    await app.stop();
  });

  it('the same name gives the same key (ESM and CJS copies agree)', () => {
    expect(token<number>('@ody/test/Same')).toBe(token<number>('@ody/test/Same'));
    expect(tokenName(GreeterToken)).toBe('@ody/test/Greeter');
  });
});
