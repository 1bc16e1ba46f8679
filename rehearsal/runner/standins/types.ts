import type { Permissions, RunnerFacingGitHub } from '../../types.js';
import type { ArtifactStore, CacheStore } from '../stores.js';

/**
 * A stand-in replaces a pinned third-party action with code that does the same work
 * locally. It declares the metadata the real action.yml declares (inputs with their
 * defaults, the runtime, whether it has a post step), so the runner treats its step
 * exactly as it would treat the real action's: defaults evaluated, unknown inputs
 * warned about, INPUT_* semantics in getInput.
 */

export interface StandInInput {
  default?: string;
  required?: boolean;
  deprecationMessage?: string;
}

export interface StandInMeta {
  /** The action.yml `name:`. */
  name: string;
  inputs: Readonly<Record<string, StandInInput>>;
  outputs: readonly string[];
  /** runs.using of the version the workflows pin. */
  using: 'node20' | 'node24' | 'composite';
  /** runs.post-if (default always()). */
  postIf?: string;
}

/** What a run keeps about images, SARIF uploads and registry logins (the record shows them). */
export interface RunExtras {
  images: Array<{ tags: string[]; id: string; pushed: boolean; labels: Record<string, string> }>;
  codeScanning: Array<{ category: string; tool: string; results: number; file: string }>;
  /** registry → username, for the job that logged in (docker/login-action). */
  logins: Map<string, { username: string; password: string; job: string }>;
}

export interface StandInServices {
  github: RunnerFacingGitHub;
  artifacts: ArtifactStore;
  cache: CacheStore;
  /** The warm npm cache setup-node's `cache: npm` restores as ~/.npm. */
  npmCacheDir: string;
  /** Where pushed images go (an OCI layout per repository). */
  registryDir: string;
  extras: RunExtras;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface StandInContext {
  /** Resolved inputs (with: plus defaults), by declared name. */
  readonly inputs: Readonly<Record<string, string>>;
  /** core.getInput: trimmed; `required` throws "Input required and not supplied: <name>". */
  getInput(name: string, opts?: { required?: boolean; trimWhitespace?: boolean }): string;
  /** core.getBooleanInput: YAML 1.2 true/false only. */
  getBooleanInput(name: string, opts?: { required?: boolean }): boolean;
  /** core.getMultilineInput: non-empty lines. */
  getMultilineInput(name: string, opts?: { required?: boolean }): string[];

  readonly github: {
    owner: string;
    repo: string;
    repository: string;
    sha: string;
    ref: string;
    eventName: string;
    payload: Record<string, unknown>;
    serverUrl: string;
    apiUrl: string;
    runId: number;
    job: string;
    actor: string;
    /** The default branch, from payload.repository.default_branch. */
    defaultBranch?: string;
    /** pull_request base ref (for cache scopes). */
    baseRef?: string;
  };
  readonly workspace: string;
  readonly temp: string;
  readonly home: string;
  readonly toolCache: string;
  /** The step's environment (PATH included), as a child process would get it. */
  readonly env: Readonly<Record<string, string>>;
  readonly permissions: Permissions;
  /** The job token (github.token), to compare with what a step was given. */
  readonly jobToken: string;
  readonly signal: AbortSignal;
  readonly services: StandInServices;
  /** The release the step pinned. */
  readonly version: StandInVersion;

  info(line: string): void;
  warning(message: string, props?: { title?: string; file?: string }): void;
  error(message: string, props?: { title?: string; file?: string }): void;
  notice(message: string): void;
  setOutput(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  addPath(dir: string): void;
  setSecret(value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Runs a tool with the step's environment (and its cancellation), output logged. */
  exec(command: string, args: readonly string[], opts?: { cwd?: string; env?: Record<string, string>; silent?: boolean }): Promise<ExecResult>;
  /** Fails the step with `message`, as core.setFailed then exit would. */
  fail(message: string): never;
}

/** Which release of the action a step pinned. */
export interface StandInVersion {
  /** The ref as written after the @. */
  ref: string;
  /** Its release tag, when the ref is a known release commit or a tag (v4, v7.0.1). */
  tag?: string;
  /** The major version; undefined for an unknown ref (the stand-in then behaves as its newest release). */
  major?: number;
}

export interface StandIn {
  /** owner/repo or owner/repo/path, as `uses:` names it before the @. */
  readonly key: string;
  /** Release commits (as workflows pin them) → release tag. */
  readonly releases?: Readonly<Record<string, string>>;
  /** The action.yml of a major release (undefined: the newest this stand-in implements). */
  meta(major: number | undefined): StandInMeta;
  main(ctx: StandInContext): Promise<void>;
  post?(ctx: StandInContext): Promise<void>;
}

/** The release a ref names: a known commit, a tag like v4 / v4.2.2, or unknown. */
export function versionOf(standIn: Pick<StandIn, 'releases'>, ref: string): StandInVersion {
  const known = standIn.releases?.[ref.toLowerCase()];
  const tag = known ?? (/^v\d+(\.\d+)*$/.test(ref) ? ref : undefined);
  const m = tag ? /^v(\d+)/.exec(tag) : null;
  return { ref, ...(tag ? { tag } : {}), ...(m ? { major: Number(m[1]) } : {}) };
}
