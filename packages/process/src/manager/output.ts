import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Logger } from '@ody/core';

/** Where a child's output lines go. */
export interface OutputSink {
  logger?: Logger;
  file?: WriteStream;
}

/** Open the sink of one process definition (the file is shared by its instances). */
export function openSink(logger: Logger | undefined, options: { logger: boolean; file?: string }): OutputSink {
  return {
    logger: options.logger ? logger : undefined,
    file: options.file === undefined ? undefined : createWriteStream(options.file, { flags: 'a' }),
  };
}

/** Forward a stream line by line, each prefixed `[name#instance]`; a last partial line is flushed at end. */
export function pipeLines(stream: Readable, prefix: string, kind: 'stdout' | 'stderr', sink: OutputSink, fields: Record<string, unknown>): void {
  let carry = '';
  const emit = (line: string) => {
    if (sink.file !== undefined) sink.file.write(`${prefix} ${line}\n`);
    if (sink.logger !== undefined) {
      if (kind === 'stderr') sink.logger.warn({ ...fields, stream: kind }, `${prefix} ${line}`);
      else sink.logger.info({ ...fields, stream: kind }, `${prefix} ${line}`);
    }
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop()!;
    for (const line of lines) emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  });
  stream.on('end', () => {
    if (carry !== '') emit(carry);
    carry = '';
  });
}
