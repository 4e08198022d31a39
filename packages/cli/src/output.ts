/** How a command talks: plain lines, or one JSON document with `--json`; colours only on a TTY. */
export interface Output {
  json: boolean;
  line(text: string): void;
  error(text: string): void;
  data(value: unknown): void;
  ok(text: string): string;
  bad(text: string): string;
}

/** An Output on the process's stdout/stderr. */
export function createOutput(json: boolean, stream: NodeJS.WriteStream = process.stdout): Output {
  const colour = stream.isTTY === true && process.env.NO_COLOR === undefined;
  const paint = (code: number) => (text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    json,
    line: (text) => stream.write(`${text}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
    data: (value) => stream.write(`${JSON.stringify(value, null, 2)}\n`),
    ok: paint(32),
    bad: paint(31),
  };
}
