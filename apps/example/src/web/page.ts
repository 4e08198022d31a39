// The example's live page: plain HTML and web components, no framework, no CDN, no build step.
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ody example — live</title>
<style>
  :root { font: 15px/1.45 system-ui, sans-serif; color: #1d2430; background: #f5f6f8; }
  body { max-width: 980px; margin: 0 auto; padding: 1.2rem; }
  header { display: flex; gap: 1rem; align-items: baseline; }
  header h1 { margin: 0; font-size: 1.4rem; }
  .grid { display: grid; grid-template-columns: 3fr 2fr; gap: 1rem; margin-top: 1rem; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: .9rem 1rem; }
  section h2 { margin: 0 0 .6rem; font-size: 1.05rem; }
  input, button { font: inherit; padding: .3rem .5rem; }
  button { cursor: pointer; }
  ol.timeline { display: flex; gap: .4rem; list-style: none; padding: 0; margin: .3rem 0 0; flex-wrap: wrap; }
  ol.timeline li { padding: .1rem .5rem; border-radius: 999px; background: #e8ebf0; font-size: .85rem; }
  li[data-state=running] { background: #fff1c2; } li[data-state=succeeded] { background: #c9f2d4; }
  li[data-state=failed] { background: #ffd0d0; }
  ody-command-status { display: block; border-top: 1px solid #eef0f3; padding: .5rem 0; }
  .muted { color: #6b7480; font-size: .85rem; }
  ul.plain { list-style: none; padding: 0; margin: 0; }
</style>
</head>
<body>
<header>
  <h1>Ody example</h1>
  <span id="connection" class="muted" data-connected="false">connecting…</span>
  <a id="dashboard-link" href="/ody/dashboard" hidden>dashboard</a>
</header>
<div class="grid">
  <section>
    <h2>Place an order</h2>
    <ody-order-form></ody-order-form>
    <div id="commands"></div>
  </section>
  <div>
    <section><h2>In the lobby</h2><ody-presence channel="presence-lobby"></ody-presence></section>
    <section style="margin-top:1rem"><h2>Announcements</h2><ody-announcements></ody-announcements></section>
  </div>
</div>
<script type="module" src="/web/app.js"></script>
</body>
</html>
`;

export const appJs = `
import { Live } from '/web/live.js';

const params = new URLSearchParams(location.search);
const name = params.get('name') || 'guest-' + Math.random().toString(36).slice(2, 6);
const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?name=' + encodeURIComponent(name);
const live = new Live(wsUrl);
const ready = live.connect().then(() => {
  const el = document.getElementById('connection');
  el.textContent = 'live as ' + name;
  el.dataset.connected = 'true';
  return live;
});
live.addEventListener('close', () => {
  const el = document.getElementById('connection');
  el.textContent = 'disconnected — reload to reconnect';
  el.dataset.connected = 'false';
});
fetch('/ody/dashboard', { method: 'HEAD' }).then((r) => { if (r.status !== 404) document.getElementById('dashboard-link').hidden = false; }, () => {});

const h = (tag, attrs = {}, text) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
};

class OrderForm extends HTMLElement {
  connectedCallback() {
    const form = h('form');
    const sku = h('input', { name: 'sku', value: 'book', required: '', 'aria-label': 'sku' });
    const qty = h('input', { name: 'qty', type: 'number', value: '1', min: '1', max: '1000', style: 'width:5em', 'aria-label': 'quantity' });
    const button = h('button', { type: 'submit' }, 'Place order');
    const error = h('span', { class: 'muted', role: 'alert' });
    form.append(sku, ' × ', qty, ' ', button, ' ', error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      const res = await fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: sku.value, qty: Number(qty.value) }) });
      const body = await res.json();
      if (res.status !== 202) { error.textContent = body.title || body.detail || 'failed'; return; }
      const status = h('ody-command-status', { 'command-id': body.commandId, 'order-id': body.orderId ?? '', href: res.headers.get('location') ?? '' });
      document.getElementById('commands').prepend(status);
    });
    this.append(form);
  }
}

/** One async command: subscribes to its status channel, then reads its status once to catch up. */
class CommandStatus extends HTMLElement {
  #last;
  async connectedCallback() {
    const id = this.getAttribute('command-id');
    this.#list = h('ol', { class: 'timeline' });
    this.append(h('div', {}, 'order ' + (this.getAttribute('order-id') || id).slice(0, 8) + ' '), this.#list, this.#detail = h('div', { class: 'muted' }));
    this.#apply({ state: 'queued', attempts: 0, updatedAt: 0 });
    const client = await ready;
    await client.subscribe('command-' + id, (event, record) => { if (event === 'status') this.#apply(record); });
    const href = this.getAttribute('href');
    if (href) { const res = await fetch(href); if (res.ok) this.#apply(await res.json()); }
    this.dataset.watching = 'true';
  }
  #list; #detail;
  #apply(record) {
    const last = this.#last;
    if (last && record.updatedAt < last.updatedAt) return;        // an older record arrived late
    // The same record twice (pushed, then read to catch up), or the page's own first 'queued': nothing new.
    // A 'running' with a newer time is a redelivery (its worker died): shown again.
    const same = last && last.state === record.state && (last.updatedAt === record.updatedAt || last.updatedAt === 0 || record.state !== 'running');
    this.#last = record;
    if (same) return;
    this.dataset.state = record.state;
    const rerun = record.state === 'running' && this.#list.querySelector('li[data-state=running]');
    const label = record.state === 'running' && record.attempts > 1 ? 'running (attempt ' + record.attempts + ')' : rerun ? 'running (redelivered)' : record.state;
    this.#list.append(h('li', { 'data-state': record.state }, label));
    if (record.state === 'succeeded') this.#detail.textContent = 'result: ' + JSON.stringify(record.result);
    else if (record.error) this.#detail.textContent = 'error: ' + record.error.message;
  }
}

class Presence extends HTMLElement {
  async connectedCallback() {
    const list = h('ul', { class: 'plain' });
    this.append(list);
    const members = new Map();
    const render = () => list.replaceChildren(...[...members.values()].map((m) => h('li', { 'data-member': m.id }, (m.info && m.info.name) || m.id)));
    const client = await ready;
    const ack = await client.subscribe(this.getAttribute('channel'), (event, data) => {
      if (event === 'member_added') members.set(data.id, data);
      if (event === 'member_removed') members.delete(data.id);
      render();
    });
    for (const m of ack?.members ?? []) members.set(m.id, m);
    render();
  }
}

class Announcements extends HTMLElement {
  async connectedCallback() {
    const form = h('form');
    const text = h('input', { name: 'text', placeholder: 'say something to everyone', 'aria-label': 'announcement' });
    form.append(text, ' ', h('button', { type: 'submit' }, 'Announce'));
    const list = h('ul', { class: 'plain' });
    this.append(form, list);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!text.value) return;
      await fetch('/announcements', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: text.value }) });
      text.value = '';
    });
    const client = await ready;
    await client.subscribe('announcements', (event, data) => {
      if (event === 'announcement') list.prepend(h('li', { 'data-announcement': '' }, data.text));
    });
    this.dataset.ready = 'true';
  }
}

customElements.define('ody-order-form', OrderForm);
customElements.define('ody-command-status', CommandStatus);
customElements.define('ody-presence', Presence);
customElements.define('ody-announcements', Announcements);
`;
