import { createLogger } from '@ody/core';
import { createServer, type HttpContext, type OdyHttpServer } from '@ody/http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEngines } from '../../../test-support/engines.js';
import { httpTracing } from './http.js';
import { registerTestSdk } from './test-support/sdk.js';

const { exporter, provider } = registerTestSdk();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';

function server(): OdyHttpServer {
  const s = createServer({ config: { port: 0, host: '127.0.0.1' }, logger: createLogger({ level: 'silent' }) });
  s.router.use(httpTracing({ requestHeaders: ['x-tenant'] }));
  s.router.get('/users/:id', (ctx: HttpContext) => ({ id: ctx.params.id }));
  s.router.get('/boom', async () => {
    throw new Error('kaput');
  });
  s.router.post('/empty', () => undefined);
  return s;
}

describeEngines((engine) => {
  describe(`SERVER spans (${engine})`, () => {
    const s = server();
    let base = '';
    afterAll(() => s.close());

    it('continues the caller trace from traceparent, names the span by route template, sets semconv attributes', async () => {
      if (base === '') base = `http://127.0.0.1:${await s.listen()}`;
      const res = await fetch(`${base}/users/42?full=1`, {
        headers: { traceparent: `00-${TRACE}-${PARENT}-01`, 'user-agent': 'ody-test', 'x-tenant': 'acme' },
      });
      expect(await res.json()).toEqual({ id: '42' });
      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('GET /users/:id');
      expect(span?.kind).toBe(SpanKind.SERVER);
      expect(span?.spanContext().traceId).toBe(TRACE);
      expect(span?.parentSpanContext?.spanId).toBe(PARENT);
      expect(span?.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/users/:id',
        'url.path': '/users/42',
        'url.query': 'full=1',
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'http.response.status_code': 200,
        'user_agent.original': 'ody-test',
        'http.request.header.x-tenant': ['acme'],
      });
      expect(span?.attributes['client.address']).toMatch(/127\.0\.0\.1/);
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('records a thrown error as an ERROR span with error.type and an exception event (500)', async () => {
      if (base === '') base = `http://127.0.0.1:${await s.listen()}`;
      const res = await fetch(`${base}/boom`);
      expect(res.status).toBe(500);
      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('GET /boom');
      expect(span?.attributes['http.response.status_code']).toBe(500);
      expect(span?.attributes['error.type']).toBe('Error');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.events.map((e) => e.name)).toContain('exception');
      expect(span?.parentSpanContext).toBeUndefined();
    });

    it('a 404 is a span named by the method alone; a 4xx is not a server error', async () => {
      if (base === '') base = `http://127.0.0.1:${await s.listen()}`;
      expect((await fetch(`${base}/nowhere`)).status).toBe(404);
      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('GET');
      expect(span?.attributes['http.route']).toBeUndefined();
      expect(span?.attributes['http.response.status_code']).toBe(404);
      expect(span?.attributes['error.type']).toBe('ODY_HTTP_NOT_FOUND');
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('an empty answer is recorded as 204', async () => {
      if (base === '') base = `http://127.0.0.1:${await s.listen()}`;
      expect((await fetch(`${base}/empty`, { method: 'POST' })).status).toBe(204);
      expect(exporter.getFinishedSpans()[0]?.attributes['http.response.status_code']).toBe(204);
    });
  });
});

describe('server.inject', () => {
  it('makes the same SERVER span without a socket', async () => {
    const s = server();
    const res = await s.inject({ url: '/users/7', headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    expect(res.statusCode).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /users/:id');
    expect(span?.parentSpanContext?.spanId).toBe(PARENT);
    await s.close();
  });
});
