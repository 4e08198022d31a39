declare const tokenType: unique symbol;

/**
 * A typed DI key. It is a plain registered symbol, so it works with inversify's `@inject` directly,
 * and its phantom type makes `app.get(token)` return `T`.
 */
export type Token<T> = symbol & { readonly [tokenType]?: T };

/** The type a token resolves to. */
export type TokenType<K> = K extends Token<infer T> ? T : never;

/**
 * Create a typed token scoped by package: `token<HttpServer>('@ody/http/HttpServer')`.
 * Uses `Symbol.for`, so ESM and CJS copies of a package agree on the key.
 */
export function token<T>(name: string): Token<T> {
  return Symbol.for(name) as Token<T>;
}

/** Human-readable name of a token, for error messages. */
export function tokenName(key: symbol): string {
  return key.description ?? key.toString();
}
