// Publish the versioned @ody packages with `changeset publish`, only when credentials exist.
//
//   ODY_RELEASE_REGISTRY  registry to publish to (default: the npm registry, https://registry.npmjs.org/)
//   NPM_TOKEN             auth token for that registry (NODE_AUTH_TOKEN is accepted too)
//
// Without a token (and without an `npm login` session for that registry) nothing is published anywhere:
// the script says so and exits 0, so `npm run release` still versions packages on any machine.
// With a token it writes a temporary npm user config (the current one plus the token for that registry
// only) and points `changeset publish` at it; the token never lands in a file of the repository.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const registry = new URL(process.env.ODY_RELEASE_REGISTRY || 'https://registry.npmjs.org/').href;
const token = process.env.NPM_TOKEN || process.env.NODE_AUTH_TOKEN || '';

function npm(args, env) {
  return spawnSync('npm', args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const env = { ...process.env, npm_config_registry: registry };
let tempDir;
if (token) {
  tempDir = mkdtempSync(join(tmpdir(), 'ody-publish-'));
  const current = npm(['config', 'get', 'userconfig'], process.env).stdout.trim();
  let base = '';
  try {
    base = readFileSync(current, 'utf8');
  } catch {}
  // "nerf dart": //host[:port]/path/:_authToken scopes the token to this registry alone.
  const nerf = registry.replace(/^https?:/, '');
  const userconfig = join(tempDir, 'npmrc');
  writeFileSync(userconfig, `${base}\n${nerf}:_authToken=${token}\n`, { mode: 0o600 });
  env.npm_config_userconfig = userconfig;
} else if (npm(['whoami', '--registry', registry], env).status !== 0) {
  console.log(`release: no npm credentials for ${registry} (NPM_TOKEN or npm login); versions applied, nothing published.`);
  process.exit(0);
}

try {
  console.log(`release: publishing to ${registry}`);
  const run = spawnSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'publish'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  process.exitCode = run.status ?? 1;
} finally {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
