/** A publishable package: its folder, manifest path and parsed manifest. */
export interface PublishablePackage {
  dir: string;
  file: string;
  pkg: { name: string; version: string; private?: boolean; [field: string]: unknown };
}
export const INTERNAL: RegExp;
export const DEP_FIELDS: string[];
/** Every non-private package under packages/. */
export function publishablePackages(root: string): PublishablePackage[];
/** Write a manifest as npm does (2 spaces, trailing newline). */
export function writePackage(file: string, pkg: Record<string, unknown>): void;
/** The one version of the fixed group; throws when the packages disagree. */
export function groupVersion(packages: PublishablePackage[]): string;
/** Set every internal range to ^version; returns the files changed. */
export function syncInternalRanges(packages: PublishablePackage[], version: string): string[];
/** Copy the root LICENSE into every publishable package. */
export function syncLicense(root: string, packages: PublishablePackage[]): void;
/** Relax internal peer ranges to `*` on disk; returns the original manifests. */
export function relaxInternalPeers(root: string): { file: string; pkg: Record<string, unknown> }[];
