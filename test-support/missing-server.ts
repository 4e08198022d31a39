import { describe, it } from 'vitest';

/**
 * The last step of the server rule, shared by every harness: no server could be found or started. A visible
 * `[tag] skipped: <suite> — <reason>` line and a skipped suite; or, when the run requires the server
 * (CI=true, or the harness's ODY_REQUIRE_<SERVER>=1), one failing `needs <what>` test that says why.
 */
export function describeMissing(o: { tag: string; what: string; requireVar: string; required: boolean }, name: string, reason: string): void {
  if (o.required) {
    describe(name, () => {
      it(`needs ${o.what}`, () => {
        throw new Error(`[${o.tag}] required (CI=true or ${o.requireVar}=1) but ${reason}`);
      });
    });
    return;
  }
  console.warn(`[${o.tag}] skipped: ${name} — ${reason}`);
  describe.skip(name, () => {
    it(`needs ${o.what}`, () => {});
  });
}
