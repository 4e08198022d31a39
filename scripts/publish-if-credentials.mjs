// Publish with changesets only when npm credentials exist; otherwise say so and succeed, so
// `npm run release` still versions packages on a machine without a token.
import { execFileSync, spawnSync } from 'node:child_process';

const hasToken = Boolean(process.env.NPM_TOKEN || process.env.NODE_AUTH_TOKEN);
let loggedIn = false;
if (!hasToken) {
  loggedIn = spawnSync('npm', ['whoami'], { stdio: 'ignore' }).status === 0;
}
if (!hasToken && !loggedIn) {
  console.log('release: no npm credentials (NPM_TOKEN or npm login); versions applied, nothing published.');
  process.exit(0);
}
execFileSync('npx', ['changeset', 'publish'], { stdio: 'inherit' });
