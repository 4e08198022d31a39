import type { Readable } from 'node:stream';
import { jsonDepthExceeds } from '@ody/core';
import { HttpError } from '../errors.js';
import { type MultipartLimits, type MultipartPart, parseMultipart } from './multipart.js';
import type { BodyReader } from './reader.js';

function unsupported(type: string, wanted: string): HttpError {
  return new HttpError(415, 'ODY_HTTP_UNSUPPORTED_MEDIA_TYPE', `Content type '${type}' is not supported here; send ${wanted}.`, {
    details: { contentType: type, expected: wanted },
  });
}

/** Lower-cased media type without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const i = contentType.indexOf(';');
  return (i < 0 ? contentType : contentType.slice(0, i)).trim().toLowerCase();
}

const isJson = (t: string) => t === 'application/json' || t.endsWith('+json');
const utf8 = (b: Buffer) => b.toString('utf8');

function parseJson(b: Buffer, maxDepth: number): unknown {
  const text = b.toString('utf8');
  if (jsonDepthExceeds(text, maxDepth)) {
    throw new HttpError(400, 'ODY_HTTP_JSON_TOO_DEEP', `Request body JSON nests deeper than ${maxDepth} levels.`, { details: { limit: maxDepth } });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, 'ODY_HTTP_MALFORMED_JSON', `Request body is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Parse urlencoded text into an object; repeated keys become arrays. */
export function parseForm(text: string): Record<string, string | string[]> {
  // Null prototype: keys like `constructor` or `toString` are plain keys, not inherited members.
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * The request body, read on demand. Each reader checks the content type (415 when it does not fit)
 * and the size limit (413). `parsed()` picks the reader from the content type.
 */
export class RequestBody {
  constructor(
    private readonly reader: BodyReader,
    private readonly headers: Record<string, string>,
    private readonly maxJsonDepth = 64,
  ) {}

  /** The media type sent, lower case, without parameters ('' when none). */
  get type(): string {
    return mediaType(this.headers['content-type']);
  }

  /** Raw bytes. */
  raw(): Promise<Buffer> {
    return this.reader.buffer();
  }

  /** UTF-8 text. */
  text(): Promise<string> {
    return this.reader.buffer().then(utf8);
  }

  /** Parsed JSON: 415 for a non-JSON content type, 400 `ODY_HTTP_MALFORMED_JSON` for bad JSON. */
  json<T = unknown>(): Promise<T> {
    const t = this.type;
    if (t !== '' && !isJson(t)) return Promise.reject(unsupported(t, 'application/json'));
    // one promise hop: this runs per JSON request
    return this.reader.buffer().then((b) => parseJson(b, this.maxJsonDepth)) as Promise<T>;
  }

  /** application/x-www-form-urlencoded fields. */
  async form(): Promise<Record<string, string | string[]>> {
    const t = this.type;
    if (t !== '' && t !== 'application/x-www-form-urlencoded') throw unsupported(t, 'application/x-www-form-urlencoded');
    return parseForm(await this.text());
  }

  /** The body as a Node stream with backpressure. */
  stream(): Readable {
    return this.reader.stream();
  }

  /** multipart/form-data parts as they arrive; file parts are streams. */
  multipart(limits?: MultipartLimits): AsyncGenerator<MultipartPart> {
    if (this.type !== 'multipart/form-data') throw unsupported(this.type || 'none', 'multipart/form-data');
    return parseMultipart(this.reader.stream(), this.headers, limits);
  }

  /**
   * Read by content type: JSON → value, urlencoded → object, text/* → string, octet-stream → Buffer,
   * multipart → object of fields (files are drained; use multipart() to keep them), none → undefined.
   */
  parsed(): Promise<unknown> {
    const t = this.type;
    if (isJson(t)) return this.json();
    return this.parsedOther(t);
  }

  private async parsedOther(t: string): Promise<unknown> {
    if (t === '') {
      const buf = await this.raw();
      return buf.length === 0 ? undefined : buf;
    }
    if (t === 'application/x-www-form-urlencoded') return this.form();
    if (t.startsWith('text/')) return this.text();
    if (t === 'application/octet-stream') return this.raw();
    if (t === 'multipart/form-data') {
      const fields: Record<string, string> = {};
      for await (const part of this.multipart()) {
        if (part.kind === 'field') fields[part.name] = part.value;
        else part.stream.resume();
      }
      return fields;
    }
    throw unsupported(t, 'application/json, text/*, application/x-www-form-urlencoded, multipart/form-data or application/octet-stream');
  }
}
