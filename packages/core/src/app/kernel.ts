import { Container } from 'inversify';
import { CoreError } from '../errors.js';
import type { Binder, Newable } from '../plugin/context.js';
import { type Token, tokenName } from '../tokens.js';

/** Who bound a token, to name both sides when it is bound twice. */
const KERNEL_OWNER = '(application)';

/** The inversify container plus ownership of every binding. */
export class Kernel {
  readonly container = new Container();
  private readonly owners = new Map<symbol, string>();
  /**
   * Every binding made through a Binder is a constant or a singleton, so its first resolution is its
   * only one: memoizing skips inversify's per-call planning. rebind clears the entry.
   */
  private readonly resolved = new Map<symbol, unknown>();

  get<T>(key: Token<T>): T {
    const hit = this.resolved.get(key);
    if (hit !== undefined) return hit as T;
    try {
      const value = this.container.get<T>(key);
      if (this.owners.has(key)) this.resolved.set(key, value);
      return value;
    } catch (err) {
      if (!this.container.isBound(key)) {
        throw new CoreError(
          'ODY_TOKEN_NOT_BOUND',
          `Nothing is bound to token '${tokenName(key)}'. Add the plugin that provides it, or bind it in a plugin's register().`,
          { details: { token: tokenName(key) } },
        );
      }
      throw err;
    }
  }

  has(key: Token<unknown>): boolean {
    return this.container.isBound(key);
  }

  resolve<T>(cls: Newable<T>): T {
    // inversify 7+ has no resolve(): autobind builds the class with its @inject dependencies.
    return this.container.get<T>(cls, { autobind: true });
  }

  binder<T>(key: Token<T>, owner: string = KERNEL_OWNER, replace = false): Binder<T> {
    const claim = () => {
      const previous = this.owners.get(key);
      if (previous !== undefined && !replace) {
        throw new CoreError(
          'ODY_TOKEN_ALREADY_BOUND',
          `Token '${tokenName(key)}' is already bound by plugin '${previous}'; plugin '${owner}' tried to bind it again. Use ctx.rebind() to replace a binding on purpose.`,
          { details: { token: tokenName(key), boundBy: previous, plugin: owner } },
        );
      }
      if (this.container.isBound(key)) this.container.unbind(key);
      this.resolved.delete(key);
      this.owners.set(key, owner);
      return this.container.bind<T>(key);
    };
    return {
      toValue: (value) => {
        claim().toConstantValue(value);
      },
      toFactory: (factory) => {
        claim()
          .toDynamicValue(() => factory((t) => this.get(t)))
          .inSingletonScope();
      },
      toClass: (cls) => {
        claim().to(cls).inSingletonScope();
      },
    };
  }
}
