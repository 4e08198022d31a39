import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findPostgresBin, postgresRequired, spawnPostgres } from '../../../../test-support/postgres-harness.js';

// The harness's last resort before skipping: initdb + postgres from installed binaries, as a
// non-root user, on a free port. Exercised here even when a server already answers on 5432.
const bin = findPostgresBin();
if (bin === undefined && !postgresRequired()) console.warn('[postgres] skipped: harness initdb path — no initdb/postgres binaries installed');

describe.skipIf(bin === undefined && !postgresRequired())('postgres harness: initdb path', () => {
  it('starts a private server in a temp dir, answers queries, and stops it', async () => {
    expect(bin, 'initdb/postgres binaries are required under CI=true').toBeDefined();
    const server = await spawnPostgres(bin!);
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ user: string }>('select current_user as user');
      await client.end();
      expect(rows[0]!.user).toBe('postgres');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
