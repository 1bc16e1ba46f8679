import { PERMISSION_SCOPES } from '../types.js';
import type { PermissionLevel, Permissions } from '../types.js';

/**
 * The GITHUB_TOKEN scopes of a job (docs: "Controlling permissions for GITHUB_TOKEN"):
 * the job's `permissions:` block if it has one, else the workflow's, else the
 * repository's default. Any block lists what it grants; every scope it leaves out is
 * `none`. `read-all`/`write-all` grant every scope.
 */

export type PermissionsSpec = 'read-all' | 'write-all' | Readonly<Record<string, PermissionLevel>>;

/** The repository setting "Workflow permissions": restricted is the default for new repositories. */
export type DefaultTokenPermissions = 'restricted' | 'permissive';

function all(level: PermissionLevel): Record<string, PermissionLevel> {
  return Object.fromEntries(PERMISSION_SCOPES.map((s) => [s, level]));
}

export function defaultPermissions(kind: DefaultTokenPermissions): Permissions {
  if (kind === 'restricted') return { ...all('none'), contents: 'read', packages: 'read' };
  // Permissive grants read/write everywhere except an OIDC token, which must be asked for.
  return { ...all('write'), 'id-token': 'none' };
}

export function resolvePermissions(workflowLevel: PermissionsSpec | undefined, jobLevel: PermissionsSpec | undefined, repoDefault: DefaultTokenPermissions = 'restricted', opts: { fromFork?: boolean } = {}): Permissions {
  const spec = jobLevel ?? workflowLevel;
  let resolved: Record<string, PermissionLevel>;
  if (spec === undefined) resolved = { ...defaultPermissions(repoDefault) };
  else if (spec === 'read-all') resolved = all('read');
  else if (spec === 'write-all') resolved = all('write');
  else resolved = { ...all('none'), ...spec };
  // Pull requests from forks get at most read access, whatever the workflow asks for.
  if (opts.fromFork) for (const k of Object.keys(resolved)) if (resolved[k] === 'write') resolved[k] = 'read';
  return resolved;
}

/** A `permissions:` value as written (already parsed to JSON), checked for its shape. */
export function toPermissionsSpec(value: unknown): PermissionsSpec | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'read-all' || value === 'write-all') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, PermissionLevel> = {};
    for (const [k, v] of Object.entries(value)) if (v === 'read' || v === 'write' || v === 'none') out[k] = v;
    return out;
  }
  return undefined;
}
