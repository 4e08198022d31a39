import type { z } from '@ody/core';
import type { HttpContext } from './context/context.js';

/** HTTP methods a route can use. */
export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** An HTTP method. */
export type HttpMethod = (typeof httpMethods)[number];

/** A route handler: its return value becomes the response (object → JSON, string → text, …). */
// biome-ignore lint/suspicious/noExplicitAny: handlers may be typed with a narrower context
export type Handler<C extends HttpContext<any> = HttpContext> = (ctx: C) => unknown;

/** Koa-style middleware: do work, `await next()`, do more work. Not calling next short-circuits. */
export type Middleware = (ctx: HttpContext, next: () => Promise<void>) => unknown;

/** Schemas checked before the handler runs; failures answer 400 listing every bad field. */
export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
}

type Out<S> = S extends z.ZodType ? z.output<S> : unknown;

/** What `ctx.valid` holds for a route with these schemas: each location's parsed (output) type. */
export interface ValidOf<O extends RouteSchemas> {
  params: Out<O['params']>;
  query: Out<O['query']>;
  body: Out<O['body']>;
  headers: Out<O['headers']>;
}

/** The handler of a route with options `O`: `ctx.valid` is typed from its schemas. */
export type RouteHandler<O extends RouteSchemas> = (ctx: HttpContext<Record<string, string>, ValidOf<O>>) => unknown;

/** Per-route options (functional twin of decorators' options). */
export interface RouteOptions extends RouteSchemas {
  middleware?: Middleware[];
  /** Overrides limits.maxBodyBytes for this route (e.g. uploads). */
  maxBodyBytes?: number;
  /** Free-form name shown by router.routes(). */
  name?: string;
}

/** One registered route as listed by router.routes(). */
export interface RouteInfo {
  method: HttpMethod;
  path: string;
  name?: string;
  middleware: number;
}
