/**
 * Whether JSON text nests arrays/objects deeper than `max` (strings skipped), stopping as soon as it
 * does. Deeply nested JSON is cheap to send and expensive, or fatal (a RangeError), to serialise
 * again: the HTTP body reader and the WebSocket frame parser check it before `JSON.parse`.
 * @example
 * jsonDepthExceeds('[[[1]]]', 2) // true
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}
