import { join } from 'node:path';
import { CanonicalMirror as Mirror, canonicalEntries } from '../../rehearsal/datasets-mirror.js';
import type { FixtureEntry } from '../../rehearsal/datasets-mirror.js';
import type { CanonicalArchiveName } from '../../model/data/registry.js';
import { datasetsDir } from './datasets.js';

export { archivePath, buildArchive, buildTarGz, buildZip } from '../../rehearsal/datasets-mirror.js';
export type { FixtureEntry, MirrorRoute } from '../../rehearsal/datasets-mirror.js';

/** The reference canonical members (CI: ../shared/datasets/canonical). */
export const canonicalDir = (): string => join(datasetsDir(), 'canonical');

export function canonicalMember(archive: CanonicalArchiveName, member: string): Buffer {
  const e = canonicalEntries(canonicalDir(), archive).find((x) => x.name === member);
  if (!e) throw new Error(`no canonical member ${member} of ${archive} under ${canonicalDir()}`);
  return e.data;
}

/** The archive's members as the canonical folder holds them, optionally changed. */
export function fixtureEntries(archive: CanonicalArchiveName, change: (entries: FixtureEntry[]) => FixtureEntry[] = (e) => e): FixtureEntry[] {
  return change(canonicalEntries(canonicalDir(), archive));
}

export class CanonicalMirror extends Mirror {
  constructor() {
    super(canonicalDir());
  }
}
