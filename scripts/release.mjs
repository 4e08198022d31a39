// `npm run release`: build every package, version them with changesets (scripts/version-packages.mjs),
// then publish when credentials exist (scripts/publish-if-credentials.mjs; without them nothing is
// published anywhere).
//
//   ODY_RELEASE_REGISTRY    registry to publish to (default: the npm registry)
//   NPM_TOKEN               token for that registry (NODE_AUTH_TOKEN works too)
//   ODY_RELEASE_SKIP_BUILD  1: use the dist/ folders already built (CI builds once before testing);
//                           fails when a package has no dist/
// Extra arguments go to `changeset version` (e.g. `npm run release -- --snapshot next`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publishablePackages } from './release-lib.mjs';

const root = join(import.meta.dirname, '..');

function step(what, command, args) {
  console.log(`release: ${what}`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`release: ${what} failed (exit ${run.status ?? run.signal}); stopped`);
    process.exit(run.status ?? 1);
  }
}

if (process.env.ODY_RELEASE_SKIP_BUILD === '1') {
  const unbuilt = publishablePackages(root).filter(({ dir }) => !existsSync(join(dir, 'dist')));
  if (unbuilt.length > 0) {
    console.error(`release: ODY_RELEASE_SKIP_BUILD=1 but no dist/ in ${unbuilt.map((p) => p.pkg.name).join(', ')}; run npm run build`);
    process.exit(1);
  }
  console.log('release: build skipped (ODY_RELEASE_SKIP_BUILD=1), using the built dist/ folders');
} else {
  step('build', 'npm', ['run', 'build']);
}
step('version', process.execPath, [join(root, 'scripts/version-packages.mjs'), ...process.argv.slice(2)]);
step('publish', process.execPath, [join(root, 'scripts/publish-if-credentials.mjs')]);
