// Shared helpers of the release scripts: the publishable @ody packages and their internal ranges.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INTERNAL = /^@ody\//;
export const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/** Every non-private package under packages/: { dir, file, pkg }. */
export function publishablePackages(root) {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const file = join(root, 'packages', d.name, 'package.json');
      try {
        return { dir: join(root, 'packages', d.name), file, pkg: JSON.parse(readFileSync(file, 'utf8')) };
      } catch {
        return undefined;
      }
    })
    .filter((p) => p !== undefined && p.pkg.private !== true);
}

export function writePackage(file, pkg) {
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** The one version of the fixed group; throws when the packages disagree. */
export function groupVersion(packages) {
  const versions = new Set(packages.map((p) => p.pkg.version));
  if (versions.size !== 1) {
    throw new Error(`@ody packages disagree on their version (${[...versions].join(', ')}); they version as one fixed group`);
  }
  return [...versions][0];
}

/** Set every internal range (dependencies, peers, optional, dev) to ^version. Returns the files changed. */
export function syncInternalRanges(packages, version) {
  const changed = [];
  for (const { file, pkg } of packages) {
    let dirty = false;
    for (const field of DEP_FIELDS) {
      for (const name of Object.keys(pkg[field] ?? {})) {
        if (INTERNAL.test(name) && pkg[field][name] !== `^${version}`) {
          pkg[field][name] = `^${version}`;
          dirty = true;
        }
      }
    }
    if (dirty) {
      writePackage(file, pkg);
      changed.push(file);
    }
  }
  return changed;
}

/** Copy the root LICENSE into every publishable package (the tarball must carry it). */
export function syncLicense(root, packages) {
  for (const { dir } of packages) copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
}

/**
 * Set internal peer ranges to `*` (on disk) so changesets plans the bump without turning a 0.x minor
 * into a major for peer dependents; returns the original manifests so a caller can restore them.
 */
export function relaxInternalPeers(root) {
  const originals = [];
  for (const { file, pkg } of publishablePackages(root)) {
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter((n) => INTERNAL.test(n));
    if (peers.length === 0) continue;
    originals.push({ file, pkg: structuredClone(pkg) });
    for (const name of peers) pkg.peerDependencies[name] = '*';
    writePackage(file, pkg);
  }
  return originals;
}
