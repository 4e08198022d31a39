// Busy-wait for `us` microseconds: a CPU-bound task of a known duration (0 = return at once).
export function spin(us) {
  if (us <= 0) return 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  let n = 0;
  while (process.hrtime.bigint() < end) n++;
  return n;
}
