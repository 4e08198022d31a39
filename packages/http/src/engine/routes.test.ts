import { describe, expect, it } from 'vitest';
import { RouteTable } from './routes.js';
import type { EngineHandler } from './types.js';

function table(routes: Array<[Parameters<RouteTable['add']>[0], string]>): { t: RouteTable; h: Map<string, EngineHandler> } {
  const t = new RouteTable();
  const h = new Map<string, EngineHandler>();
  for (const [method, pattern] of routes) {
    const fn: EngineHandler = () => undefined;
    h.set(`${method} ${pattern}`, fn);
    t.add(method, pattern, fn);
  }
  return { t, h };
}

describe('RouteTable (node engine and inject routing, uWS rules)', () => {
  const { t, h } = table([
    ['get', '/users/:id'],
    ['get', '/users/me'],
    ['post', '/users'],
    ['get', '/files/*'],
    ['any', '/*'],
    ['get', '/a/:x/b/:y'],
    ['get', '/'],
    ['head', '/users/:id'],
  ]);

  it('matches static paths per method, falling back to `any`', () => {
    expect(t.match('GET', '/users/me')).toEqual({ handler: h.get('get /users/me'), params: [] });
    expect(t.match('POST', '/users')?.handler).toBe(h.get('post /users'));
    expect(t.match('GET', '/users')?.handler).toBe(h.get('any /*')); // no GET /users: the catch-all
    expect(t.match('GET', '/')?.handler).toBe(h.get('get /'));
  });

  it('captures raw params in order, per method', () => {
    expect(t.match('GET', '/users/42')).toEqual({ handler: h.get('get /users/:id'), params: ['42'] });
    expect(t.match('HEAD', '/users/42')).toEqual({ handler: h.get('head /users/:id'), params: ['42'] });
    expect(t.match('GET', '/a/1/b/%20')).toEqual({ handler: h.get('get /a/:x/b/:y'), params: ['1', '%20'] });
    expect(t.match('DELETE', '/users/42')?.handler).toBe(h.get('any /*'));
  });

  it('needs every segment: no empty param, no extra or missing segment', () => {
    expect(t.match('GET', '/users/')?.handler).toBe(h.get('any /*'));
    expect(t.match('GET', '/users/42/')?.handler).toBe(h.get('any /*'));
    expect(t.match('GET', '/a/1/b')?.handler).toBe(h.get('any /*'));
    expect(t.match('GET', '/a/1/c/2')?.handler).toBe(h.get('any /*'));
  });

  it('a wildcard needs its slash (`/files/` matches, `/files` does not)', () => {
    expect(t.match('GET', '/files/')?.handler).toBe(h.get('get /files/*'));
    expect(t.match('GET', '/files/x/y')?.handler).toBe(h.get('get /files/*'));
    expect(t.match('GET', '/files')?.handler).toBe(h.get('any /*'));
    expect(table([['get', '/files/*']]).t.match('GET', '/files')).toBeUndefined();
  });

  it('static segments win over params, params over wildcards, whatever the order added', () => {
    const r = table([
      ['get', '/x/*'],
      ['get', '/x/:id'],
      ['get', '/x/new'],
    ]);
    expect(r.t.match('GET', '/x/new')?.handler).toBe(r.h.get('get /x/new'));
    expect(r.t.match('GET', '/x/7')?.handler).toBe(r.h.get('get /x/:id'));
    expect(r.t.match('GET', '/x/7/8')?.handler).toBe(r.h.get('get /x/*'));
  });

  it('routes added after a match are seen (per-method lists are rebuilt)', () => {
    const r = table([['get', '/p/:id']]);
    expect(r.t.match('PUT', '/p/1')).toBeUndefined();
    const put: EngineHandler = () => undefined;
    r.t.add('put', '/p/:id', put);
    expect(r.t.match('PUT', '/p/1')).toEqual({ handler: put, params: ['1'] });
  });
});
