import type { Application } from '@ody/core';
import { HttpServer } from '@ody/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

describe('notes API', () => {
  let app: Application;
  let base: string;

  beforeAll(async () => {
    app = await createApp({ app: { logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' } });
    await app.start();
    base = `http://127.0.0.1:${app.get(HttpServer).port}`;
  });
  afterAll(() => app.stop());

  it('creates a note and reads it back', async () => {
    const created = await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'first' }),
    });
    expect(created.status).toBe(201);
    const note = (await created.json()) as { id: number };
    const read = await fetch(`${base}/notes/${note.id}`);
    expect(await read.json()).toEqual({ id: note.id, title: 'first', body: '' });
  });

  it('answers a bad body with a 400 problem+json naming the field', async () => {
    const res = await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: '' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await res.json())).toContain('title');
  });

  it('answers an unknown note with 404', async () => {
    expect((await fetch(`${base}/notes/999`)).status).toBe(404);
  });
});
