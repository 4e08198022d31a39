// The dashboard page: plain HTML and web components, served from memory (no CDN, no build step).

/** The page, with its base path baked in. */
export const dashboardHtml = (base: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ody dashboard</title>
<style>
  :root { font: 14px/1.45 system-ui, sans-serif; color: #1d2430; background: #f3f4f7; }
  body { max-width: 1100px; margin: 0 auto; padding: 1rem; }
  header { display: flex; gap: 1rem; align-items: baseline; }
  h1 { font-size: 1.3rem; margin: 0; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: .8rem 1rem; margin-top: 1rem; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eef0f3; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .failed-job { border-left: 3px solid #d33; padding: .3rem .6rem; margin: .5rem 0; background: #fff7f7; }
  .muted { color: #6b7480; font-size: .85rem; } pre { white-space: pre-wrap; font-size: .8rem; margin: .3rem 0; }
  .pill { padding: .05rem .45rem; border-radius: 999px; background: #e8ebf0; font-size: .8rem; }
  .pill.running { background: #fff1c2; } .pill.succeeded { background: #c9f2d4; } .pill.failed { background: #ffd0d0; }
  button { font: inherit; cursor: pointer; }
</style>
</head>
<body data-base="${base}">
<header><h1>Ody dashboard</h1><span id="connection" class="muted" data-connected="false">connecting…</span><span id="updated" class="muted"></span></header>
<section><h2>Queues</h2><ody-queues></ody-queues></section>
<section><h2>Async commands</h2><ody-commands></ody-commands></section>
<section><h2>Runtime</h2><ody-runtime></ody-runtime></section>
<script type="module" src="${base}/app.js"></script>
</body>
</html>
`;

/** Ody's WebSocket JSON protocol in a few lines (see @ody/websocket's README). */
export const dashboardLiveJs = `
export class Live extends EventTarget {
  #ws; #next = 1; #pending = new Map(); #handlers = new Map();
  constructor(url) { super(); this.url = url; }
  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.#ws = ws;
      ws.onmessage = (m) => this.#frame(JSON.parse(m.data), resolve);
      ws.onerror = () => reject(new Error('WebSocket failed'));
      ws.onclose = () => this.dispatchEvent(new Event('close'));
    });
  }
  #frame(f, connected) {
    if (f.event === 'connected') return connected(f.data);
    if (f.event === 'ack' || (f.event === 'error' && f.id !== undefined)) {
      const p = this.#pending.get(f.id);
      this.#pending.delete(f.id);
      if (p) f.event === 'ack' ? p.resolve(f.data) : p.reject(new Error(f.code + ': ' + f.message));
      return;
    }
    for (const h of this.#handlers.get(f.channel) ?? []) h(f.event, f.data);
  }
  subscribe(channel, handler) {
    this.#handlers.set(channel, [...(this.#handlers.get(channel) ?? []), handler]);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ type: 'subscribe', channel, id }));
    });
  }
}
`;

/** The page's components: <ody-queues> and <ody-commands>, rendered from the latest pushed snapshot. */
export const dashboardAppJs = `
import { Live } from './live.js';

const base = document.body.dataset.base;
const auth = location.search;                      // whatever the authorize hook reads from the query travels along
const store = new EventTarget();
let latest;
const show = (snap) => {
  if (latest && snap.at < latest.at) return;
  latest = snap;
  track(snap);
  document.getElementById('updated').textContent = 'updated ' + new Date(snap.at).toLocaleTimeString();
  store.dispatchEvent(new Event('snapshot'));
};
const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children.filter((c) => c !== undefined && c !== null));
  return el;
};
const when = (ms) => new Date(ms).toLocaleTimeString();

// Throughput per queue: jobs completed per 5 s over the last minute, from the snapshots this page
// received (kept here; the server keeps no history). Completed only: it never goes down (failed does,
// when a failed job is retried).
const history = new Map();
function track(snap) {
  for (const q of snap.queues) {
    const list = history.get(q.name) ?? [];
    list.push({ at: snap.at, done: q.counts.completed });
    while (list.length > 2 && list[0].at < snap.at - 65_000) list.shift();
    history.set(q.name, list);
  }
}
function sparkline(name, now) {
  const buckets = new Array(12).fill(0);
  const list = history.get(name) ?? [];
  for (let i = 1; i < list.length; i++) {
    const age = now - list[i].at;
    const delta = list[i].done - list[i - 1].done;
    if (age < 60_000 && delta > 0) buckets[11 - Math.floor(age / 5000)] += delta;
  }
  const max = Math.max(1, ...buckets);
  const points = buckets.map((b, i) => (i * 10) + ',' + (22 - (b / max) * 20).toFixed(1)).join(' ');
  const total = buckets.reduce((a, b) => a + b, 0);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '110'); svg.setAttribute('height', '24'); svg.setAttribute('data-completed', String(total));
  svg.innerHTML = '<polyline fill="none" stroke="#3b6fd8" stroke-width="1.5" points="' + points + '"/>';
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  title.textContent = total + ' completed in the last minute';
  svg.append(title);
  return svg;
}

async function act(queue, id, verb) {
  const res = await fetch(base + '/api/queues/' + encodeURIComponent(queue) + '/failed/' + encodeURIComponent(id) + '/' + verb + auth, { method: 'POST', headers: { 'x-ody-dashboard': '1' } });
  if (!res.ok) alert((await res.json()).detail);
}

class Queues extends HTMLElement {
  connectedCallback() { store.addEventListener('snapshot', () => this.render()); if (latest) this.render(); }
  render() {
    const states = ['waiting', 'delayed', 'active', 'completed', 'failed'];
    const table = h('table', {}, h('tr', {}, h('th', {}, 'queue'), ...states.map((s) => h('th', { class: 'n' }, s)), h('th', {}, 'completed, last minute')));
    const failed = [];
    for (const q of latest.queues) {
      table.append(h('tr', { 'data-queue': q.name }, h('td', {}, q.name), ...states.map((s) => h('td', { class: 'n', 'data-count': s }, String(q.counts[s]))), h('td', { class: 'spark' }, sparkline(q.name, latest.at))));
      for (const job of q.failed) {
        const retry = h('button', { type: 'button' }, 'Retry');
        retry.onclick = () => act(q.name, job.id, 'retry');
        const forget = h('button', { type: 'button' }, 'Forget');
        forget.onclick = () => act(q.name, job.id, 'forget');
        failed.push(h('div', { class: 'failed-job', 'data-job': job.id, 'data-queue': q.name },
          h('div', {}, h('b', {}, job.name), ' in ', q.name, ' ', h('span', { class: 'muted' }, job.id + ' · ' + job.reason + ' after ' + job.attemptsMade + ' attempt(s) · ' + when(job.failedAt)), ' ', retry, ' ', forget),
          h('div', { class: 'error' }, job.error ? (job.error.code ? job.error.code + ': ' : '') + job.error.message : '(no error recorded)'),
          job.history.length ? h('div', { class: 'muted' }, 'earlier: ' + job.history.join(' · ')) : null,
          job.error && job.error.stack ? h('details', {}, h('summary', { class: 'muted' }, 'stack'), h('pre', {}, job.error.stack)) : null));
      }
    }
    this.replaceChildren(table, ...(failed.length ? [h('h3', {}, 'Failed jobs'), ...failed] : [h('p', { class: 'muted' }, 'No failed jobs.')]));
  }
}

class Commands extends HTMLElement {
  connectedCallback() { store.addEventListener('snapshot', () => this.render()); if (latest) this.render(); }
  render() {
    const c = latest.commands;
    if (!c) { this.replaceChildren(h('p', { class: 'muted' }, 'No @ody/cqrs async runtime in this app.')); return; }
    const counts = h('p', {}, ...['queued', 'running', 'succeeded', 'failed'].flatMap((s) => [h('span', { class: 'pill ' + s, 'data-count': s }, s + ' ' + c.counts[s]), ' ']));
    const table = h('table', {}, h('tr', {}, h('th', {}, 'command'), h('th', {}, 'id'), h('th', {}, 'state'), h('th', { class: 'n' }, 'attempts'), h('th', {}, 'updated'), h('th', {}, 'error')));
    for (const r of c.recent.slice(0, 50)) {
      table.append(h('tr', { 'data-command': r.id, 'data-state': r.state }, h('td', {}, r.name), h('td', { class: 'muted' }, r.id.slice(0, 8)), h('td', {}, h('span', { class: 'pill ' + r.state }, r.state)),
        h('td', { class: 'n' }, String(r.attempts)), h('td', {}, when(r.updatedAt)), h('td', { class: 'muted' }, r.error && r.state !== 'succeeded' ? r.error.message : '')));
    }
    this.replaceChildren(counts, table);
  }
}

class Runtime extends HTMLElement {
  connectedCallback() { store.addEventListener('snapshot', () => this.render()); if (latest) this.render(); }
  render() {
    const r = latest.runtime;
    const parts = [];
    if (r.processes) {
      const table = h('table', {}, h('tr', {}, h('th', {}, 'process'), h('th', {}, 'pid'), h('th', {}, 'state'), h('th', { class: 'n' }, 'restarts'), h('th', { class: 'n' }, 'uptime'), h('th', { class: 'n' }, 'memory')));
      for (const p of r.processes) {
        table.append(h('tr', { 'data-process': p.name, 'data-state': p.state }, h('td', {}, p.name + '#' + p.instance), h('td', {}, p.pid === undefined ? '–' : String(p.pid)), h('td', {}, p.state),
          h('td', { class: 'n', 'data-restarts': '' }, String(p.restarts)), h('td', { class: 'n' }, Math.round(p.uptimeMs / 1000) + ' s'), h('td', { class: 'n' }, p.memoryMb === undefined ? '–' : p.memoryMb.toFixed(1) + ' MB')));
      }
      parts.push(h('h3', {}, 'Supervised processes'), table);
    }
    if (r.tasks) {
      const t = r.tasks;
      parts.push(h('p', { 'data-tasks': '' }, h('b', {}, 'Task pool: '), t.threads + ' thread(s), ' + t.running + ' running, ' + t.queued + ' queued, ' + t.completed + ' completed, ' + t.failed + ' failed, mean ' + t.meanMs.toFixed(1) + ' ms, p99 ' + t.p99Ms.toFixed(1) + ' ms'));
    }
    if (r.websocket) {
      const w = r.websocket;
      const more = w.channels === undefined ? '' : ', ' + w.channels + ' channel(s), ' + w.messagesIn + ' in / ' + w.messagesOut + ' out, ' + w.slowConsumers + ' slow consumer(s) on this server';
      parts.push(h('p', { 'data-websocket': String(w.connections), 'data-channels': String(w.channels ?? '') }, h('b', {}, 'WebSocket: '), w.connections + ' connection(s)' + more));
    }
    this.replaceChildren(...(parts.length ? parts : [h('p', { class: 'muted' }, 'No process, task or websocket plugin in this app.')]));
  }
}

customElements.define('ody-runtime', Runtime);
customElements.define('ody-queues', Queues);
customElements.define('ody-commands', Commands);

const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base + '/ws' + auth;
const live = new Live(wsUrl);
live.addEventListener('close', () => { const el = document.getElementById('connection'); el.textContent = 'disconnected — reload'; el.dataset.connected = 'false'; });
await live.connect();
await live.subscribe('private-dashboard', (event, data) => { if (event === 'snapshot') show(data); });
const res = await fetch(base + '/api/snapshot' + auth);
if (res.ok) show(await res.json());
const el = document.getElementById('connection');
el.textContent = 'live';
el.dataset.connected = 'true';
`;
