import { createApplication, definePlugin, inject, token, z } from '@ody/core';
import { describe, expect, it } from 'vitest';
import {
  Body,
  Controller,
  Ctx,
  defineController,
  defineRoute,
  Get,
  Headers,
  type HttpContext,
  HttpServer,
  httpPlugin,
  Param,
  Post,
  param,
  QueryParam,
  Router,
  Use,
} from '../index.js';
import { describeEngines } from '../../../../test-support/engines.js';
import { json } from '../fixtures/helpers.js';

interface Repo {
  find(id: string): { id: string; name: string };
}
const RepoToken = token<Repo>('@ody/http-test/Repo');

@Controller('/users')
class UsersController {
  constructor(@inject(RepoToken) private readonly repo: Repo) {}

  @Get('/:id')
  @Use((ctx, next) => {
    ctx.header('x-mw', 'yes');
    return next();
  })
  show(@Param('id') id: string) {
    return this.repo.find(id);
  }

  @Post()
  create(@Body(z.object({ name: z.string().min(1) })) body: { name: string }, @Headers('x-tenant') tenant: string) {
    return { created: body.name, tenant };
  }

  @Get('/search/all')
  search(@QueryParam('q') q: string, @QueryParam('page', z.coerce.number().int()) page: number, @Ctx() ctx: HttpContext) {
    ctx.status(201);
    return { q, page };
  }
}

class PlainController {
  ping(id: string) {
    return { pong: id };
  }
}
defineController(PlainController, '/plain');
defineRoute(PlainController, 'ping', 'GET', '/:id', { args: [param('id')] });

describeEngines(() => {
  describe('controllers through the http plugin and the DI container', () => {
    it('resolves controllers with injected deps, maps params/query/body/headers/ctx, validates', async () => {
      const repoPlugin = definePlugin({
        name: 'repo',
        register(ctx) {
          ctx.bind(RepoToken).toValue({ find: (id) => ({ id, name: `user-${id}` }) });
        },
      });
      // a dependent plugin adding routes through the Router token, as @ody/queue and @ody/cqrs do
      const extraPlugin = definePlugin({
        name: 'extra',
        dependsOn: ['http'],
        boot(ctx) {
          ctx.get(Router).get('/extra', () => ({ from: 'extra' }));
        },
      });
      const app = await createApplication({
        config: { http: { host: '127.0.0.1', port: 0 }, app: { logLevel: 'silent' } },
        plugins: [repoPlugin, httpPlugin({ controllers: [UsersController, PlainController] }), extraPlugin],
        envFile: false,
      });
      await app.start();
      try {
        const url = `http://127.0.0.1:${app.get(HttpServer).port}`;
        const show = await fetch(`${url}/users/7`);
        expect(await json(show)).toEqual({ id: '7', name: 'user-7' });
        expect(show.headers.get('x-mw')).toBe('yes');
        const created = await fetch(`${url}/users`, { method: 'POST', body: '{"name":"Ann"}', headers: { 'content-type': 'application/json', 'x-tenant': 't1' } });
        expect(await json(created)).toEqual({ created: 'Ann', tenant: 't1' });
        const invalid = await fetch(`${url}/users`, { method: 'POST', body: '{"name":""}', headers: { 'content-type': 'application/json' } });
        expect(invalid.status).toBe(400);
        expect((await json(invalid)).errors[0]).toMatchObject({ location: 'body', path: 'name' });
        const search = await fetch(`${url}/users/search/all?q=x&page=2`);
        expect(search.status).toBe(201);
        expect(await json(search)).toEqual({ q: 'x', page: 2 });
        const badPage = await fetch(`${url}/users/search/all?q=x&page=two`);
        expect((await json(badPage)).errors[0]).toMatchObject({ location: 'query', path: 'page' });
        expect(await (await fetch(`${url}/plain/9`)).json()).toEqual({ pong: '9' });
        expect(await (await fetch(`${url}/extra`)).json()).toEqual({ from: 'extra' });
        expect(app.get(Router).routes().map((r) => `${r.method} ${r.path}`)).toEqual([
          'GET /users/:id',
          'POST /users',
          'GET /users/search/all',
          'GET /plain/:id',
          'GET /extra',
        ]);
      } finally {
        await app.stop();
      }
    });

    it('rejects a class that is not a controller', async () => {
      class NotOne {}
      const { HttpRouter } = await import('../index.js');
      expect(() => new HttpRouter().controller(NotOne)).toThrow(expect.objectContaining({ code: 'ODY_HTTP_CONTROLLER_INVALID' }));
    });
  });
});
