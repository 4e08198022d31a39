// `changeset version` for the fixed @ody group, with real internal ranges kept right.
//
// Changesets bumps a package MAJOR when a minor release of one of its peer dependencies leaves the
// peer range, and on 0.x every minor leaves `^0.x.0`. All @ody packages release together (one fixed
// group), so an internal peer range is never out of step. This script therefore relaxes internal peer
// ranges to `*` while changesets plans the bump, then writes `^<new version>` into every internal
// dependency, peer, optional and dev range, copies the root LICENSE into every package and updates
// package-lock.json (workspace versions and ranges) so `npm ci` keeps accepting it.
// Usage: node scripts/version-packages.mjs [changeset version args, e.g. --snapshot e2e]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { groupVersion, publishablePackages, relaxInternalPeers, syncInternalRanges, syncLicense, writePackage } from './release-lib.mjs';

const root = join(import.meta.dirname, '..');

const originals = relaxInternalPeers(root);
const run = spawnSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'version', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
if (run.status !== 0) {
  for (const { file, pkg } of originals) writePackage(file, pkg);
  console.error('version: changeset version failed; package.json files restored');
  process.exit(run.status ?? 1);
}
const packages = publishablePackages(root);
const version = groupVersion(packages);
syncInternalRanges(packages, version);
syncLicense(root, packages);
// The lockfile records each workspace's version and ranges: keep it in step so `npm ci` accepts it.
const lock = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
if (lock.status !== 0) {
  console.error('version: npm install --package-lock-only failed; run it by hand before committing');
  process.exit(lock.status ?? 1);
}
console.log(`version: every @ody package at ${version}, internal ranges ^${version}, package-lock.json updated`);
