import { createApplication } from '@ody/core';
import { HttpError, HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin, Queues, UnrecoverableError } from '@ody/queue';
import { Broadcaster, websocketPlugin } from '@ody/websocket';
import { expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { Metrics, otelPlugin } from './plugin.js';
import { sample } from './test-support/prometheus.js';
import { subscribed } from './test-support/ws.js';

const silent = { destination: { write: () => true } } as never;

it('serves Prometheus text over a real socket: HTTP duration by route/status, in-flight, queue depth and counters, WebSocket connections and publishes, event-loop lag, GC', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' }, http: { port: 0, host: '127.0.0.1' }, queue: { driver: 'memory' } },
    plugins: [
      httpPlugin({
        routes: (router) => {
          router.get('/users/:id', (ctx) => ({ id: ctx.params.id }));
          router.get('/conflict', () => {
            throw new HttpError('ODY_HTTP_CONFLICT', 'taken');
          });
        },
      }),
      queuePlugin(),
      websocketPlugin(),
      otelPlugin({ metrics: { enabled: true } }),
    ],
  });
  await app.start();
  try {
    const base = `http://127.0.0.1:${app.get(HttpServer).port}`;
    await (await fetch(`${base}/users/1`)).text();
    await (await fetch(`${base}/users/2`)).text();
    expect((await fetch(`${base}/conflict`)).status).toBe(409);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);

    const queues = app.get(Queues);
    const done: string[] = [];
    queues.process<string>('mail', (job) => {
      if (job.data === 'bad') throw new UnrecoverableError('no');
      if (job.data === 'flaky' && job.attempt === 1) throw new Error('once');
      done.push(job.data);
    });
    const mail = queues.queue<string>('mail');
    await mail.push('send', 'ok');
    await mail.push('send', 'flaky', { attempts: 2 });
    await mail.push('send', 'bad', { attempts: 3 });
    await until('the jobs ran', async () => (await mail.counts()).completed === 2 && (await mail.counts()).failed === 1);

    const client = await subscribed(`${base.replace('http', 'ws')}/ws`, 'news');
    app.get(Broadcaster).publish('news', 'headline', 'hi');
    await until('the message', () => client.frames.some((f) => f.event === 'headline'));

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'http_server_request_duration_seconds_count', { method: 'GET', route: '/users/:id', status_code: '200' })).toBe(2);
    expect(sample(text, 'http_server_request_duration_seconds_count', { route: '/conflict', status_code: '409' })).toBe(1);
    expect(sample(text, 'http_server_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(sample(text, 'http_server_active_requests')).toBe(1); // the scrape itself
    expect(sample(text, 'ody_queue_jobs_pushed_total', { queue: 'mail' })).toBe(3);
    expect(sample(text, 'ody_queue_jobs_processed_total', { queue: 'mail' })).toBe(2);
    expect(sample(text, 'ody_queue_jobs_retried_total', { queue: 'mail' })).toBe(1);
    expect(sample(text, 'ody_queue_jobs_failed_total', { queue: 'mail' })).toBe(1);
    expect(sample(text, 'ody_queue_job_duration_seconds_count', { queue: 'mail', result: 'success' })).toBe(2);
    expect(sample(text, 'ody_queue_job_duration_seconds_count', { queue: 'mail', result: 'error' })).toBe(2);
    expect(sample(text, 'ody_queue_jobs', { queue: 'mail', state: 'completed' })).toBe(2);
    expect(sample(text, 'ody_queue_jobs', { queue: 'mail', state: 'failed' })).toBe(1);
    expect(sample(text, 'ody_queue_jobs', { queue: 'mail', state: 'waiting' })).toBe(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
    expect(sample(text, 'ody_websocket_connections')).toBe(1);
    expect(sample(text, 'ody_websocket_published_total')).toBe(1);
    client.close();

    // Your own metrics go to the same registry.
    const { Counter } = await import('prom-client');
    new Counter({ name: 'orders_total', help: 'Orders placed.', registers: [app.get(Metrics).registry] }).inc(3);
    expect(sample(await (await fetch(`${base}/metrics`)).text(), 'orders_total')).toBe(3);
  } finally {
    await app.stop();
  }
});

it('metrics are off by default: no /metrics route', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' }, http: { port: 0, host: '127.0.0.1' } },
    plugins: [httpPlugin(), otelPlugin()],
  });
  await app.start();
  try {
    expect((await fetch(`http://127.0.0.1:${app.get(HttpServer).port}/metrics`)).status).toBe(404);
  } finally {
    await app.stop();
  }
});
