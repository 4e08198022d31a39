// The browser side of the page's WebSocket: Ody's JSON protocol (see @ody/websocket's README) in a few
// lines of plain JavaScript, served as a module. Acks resolve calls; frames fan out to listeners by channel.
export const liveClientJs = `
export class Live extends EventTarget {
  #ws; #next = 1; #pending = new Map(); #handlers = new Map();
  constructor(url) {
    super();
    this.url = url;
  }
  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.#ws = ws;
      ws.onmessage = (m) => this.#frame(JSON.parse(m.data), resolve);
      ws.onerror = () => reject(new Error('WebSocket failed: ' + this.url));
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
    for (const h of this.#handlers.get(f.channel) ?? []) h(f.event, f.data, f);
  }
  #send(msg) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ ...msg, id }));
    });
  }
  /** Join a channel; handler(event, data, frame) gets every frame of it. Resolves with the ack. */
  subscribe(channel, handler) {
    const list = this.#handlers.get(channel) ?? [];
    list.push(handler);
    this.#handlers.set(channel, list);
    return this.#send({ type: 'subscribe', channel });
  }
  publish(channel, event, data) {
    return this.#send({ type: 'publish', channel, event, data });
  }
  close() {
    this.#ws?.close();
  }
}
`;
