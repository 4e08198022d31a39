import type { Readable } from 'node:stream';
import type { HttpContext } from '../context/context.js';
import { endHead } from './end-head.js';
import type { UwsExchange } from './exchange.js';

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.from(chunk as ArrayBuffer);
}

/**
 * Stream a Node Readable into a uWS response with backpressure: the source is paused whenever uWS
 * reports a full socket buffer and resumed from onWritable, so memory stays bounded whatever the
 * size. With a `content-length` header set, tryEnd sends a sized body; otherwise chunked encoding.
 * A client abort destroys the source; a source error closes the connection.
 */
export function pipeStream(
  ex: UwsExchange,
  ctx: HttpContext,
  status: number,
  source: Readable,
  isHead: boolean,
  writeHead: (skipLength: boolean) => void,
): void {
  const res = ex.res;
  const lengthHeader = ctx.getResponseHeader('content-length');
  const total = lengthHeader === undefined ? undefined : Number(lengthHeader);
  ex.onAbort(() => source.destroy());
  if (isHead) {
    res.cork(() => {
      writeHead(true);
      endHead(ex, total, ex.closeAfter);
    });
    ex.finish();
    source.destroy();
    return;
  }
  let headWritten = false;
  const head = () => {
    if (!headWritten) {
      headWritten = true;
      writeHead(true);
    }
  };
  const end = () => {
    if (!ex.writable) return;
    res.cork(() => {
      head();
      res.end(undefined, ex.closeAfter);
    });
    ex.finish();
  };
  source.on('error', () => {
    if (ex.writable) {
      res.close(); // headers may be out already: the only honest signal left is a cut connection
      ex.finish();
    }
  });
  if (total === undefined || !Number.isFinite(total)) {
    source.on('data', (chunk) => {
      if (!ex.writable) return void source.destroy();
      if (!headWritten) res.cork(head);
      // Not corked: uWS 20.30's write() inside a cork drops the chunk when flushing the cork buffer
      // hits a full socket (AsyncSocket::uncork returns before writing it). Uncorked, it buffers.
      const ok = res.write(toBytes(chunk));
      if (!ok) {
        source.pause();
        res.onWritable(() => {
          source.resume();
          return true;
        });
      }
    });
    source.on('end', end);
    return;
  }
  source.on('data', (chunk) => {
    if (!ex.writable) return void source.destroy();
    const bytes = toBytes(chunk);
    const offset = res.getWriteOffset();
    let result: [boolean, boolean] = [true, false];
    res.cork(() => {
      head();
      result = res.tryEnd(bytes, total);
    });
    const [ok, done] = result;
    if (done) {
      ex.finish();
      source.destroy();
    } else if (!ok) {
      source.pause();
      res.onWritable((at) => {
        if (!ex.writable) return true;
        let r: [boolean, boolean] = [true, false];
        res.cork(() => {
          r = res.tryEnd(bytes.subarray(at - offset), total);
        });
        if (r[1]) {
          ex.finish();
          source.destroy();
        } else if (r[0]) source.resume();
        return r[0];
      });
    }
  });
  source.on('end', () => {
    if (ex.writable) end();
  });
  void status;
}
