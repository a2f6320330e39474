/**
 * A load package is bound to the destination it was extracted (and planned) for: its plan, its
 * state row and its file targets belong there. A run against another destination leaves it alone.
 */
import type { LoadPackage } from "../packages/load-package.js";

const FILE = "destination.json";

export interface PackageBinding {
  /** {@link Destination.identity} of the destination the package belongs to. */
  readonly identity: string;
  /** The destination's name, for messages (`athena`, `athena (local)`). */
  readonly name: string;
}

export function readBinding(pkg: LoadPackage): Promise<PackageBinding | undefined> {
  return pkg.readJSON<PackageBinding>(FILE);
}

export function writeBinding(pkg: LoadPackage, binding: PackageBinding): Promise<void> {
  return pkg.writeJSON(FILE, binding);
}

/** The message for a package kept because this run targets another destination. */
export function keptPackageMessage(pkg: LoadPackage, bound: PackageBinding, target: PackageBinding): string {
  return (
    `Load package ${pkg.loadId} was planned for ${bound.name} (${bound.identity}), not for this run's ${target.name} (${target.identity}): ` +
    `it was not loaded and stays in ${pkg.path}. Run against that destination to load it, or delete the folder to discard it.`
  );
}
