import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from '../errors.js';

/** A text field of a multipart/form-data body. */
export interface FieldPart {
  kind: 'field';
  name: string;
  value: string;
}

/** A file of a multipart/form-data body; read `stream` (or `stream.resume()` to skip it). */
export interface FilePart {
  kind: 'file';
  name: string;
  filename: string;
  mimeType: string;
  stream: Readable;
}

/** One part of a multipart body. */
export type MultipartPart = FieldPart | FilePart;

/** Limits passed to busboy. */
export interface MultipartLimits {
  fileSize?: number;
  files?: number;
  fields?: number;
}

/**
 * Parse a multipart/form-data stream with busboy, yielding parts as they arrive. File parts stream:
 * nothing is buffered beyond busboy's and the socket's own buffers.
 */
export async function* parseMultipart(
  body: Readable,
  headers: Record<string, string>,
  limits: MultipartLimits = {},
): AsyncGenerator<MultipartPart> {
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers, limits });
  } catch (cause) {
    throw new HttpError(400, 'ODY_HTTP_BAD_REQUEST', `Malformed multipart body: ${(cause as Error).message}`, { cause });
  }
  const queue: MultipartPart[] = [];
  let finished = false;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  bb.on('field', (name, value) => {
    queue.push({ kind: 'field', name, value });
    notify();
  });
  bb.on('file', (name, stream, info) => {
    queue.push({ kind: 'file', name, filename: info.filename ?? '', mimeType: info.mimeType, stream });
    notify();
  });
  bb.on('close', () => {
    finished = true;
    notify();
  });
  bb.on('error', (e) => {
    error = new HttpError(400, 'ODY_HTTP_BAD_REQUEST', `Malformed multipart body: ${(e as Error).message}`, { cause: e });
    notify();
  });
  body.on('error', (e) => {
    error = e;
    notify();
  });
  body.pipe(bb);
  let previous: MultipartPart | undefined;
  try {
    while (true) {
      // A file the caller did not read would stall busboy: drain it before moving on.
      if (previous?.kind === 'file' && previous.stream.readableFlowing === null) previous.stream.resume();
      if (error !== undefined) throw error;
      const next = queue.shift();
      if (next !== undefined) {
        previous = next;
        yield next;
        continue;
      }
      if (finished) return;
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  } finally {
    body.unpipe(bb);
  }
}
