let lastMs = Number.NaN;
let lastIso = '';

/**
 * The current time as an ISO string (`recordedAt`), formatted once per millisecond: formatting a Date
 * costs about as much as JSON-encoding a small event, and concurrent appends share the millisecond.
 */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
