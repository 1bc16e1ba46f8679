/**
 * The rehearsal report: a static page of what the team would see on GitHub after the
 * story (issue, PR conversation and reviews, bot comments such as the model card, check
 * runs, workflow runs, releases, deployments). dir/index.html plus dir/assets/, openable
 * from file:// with no server and no network: the Markdown renderer (marked), the
 * sanitizer (DOMPurify) and the chart renderer (Mermaid) are copied from node_modules.
 */

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { GitopsMlError } from '../../model/errors.js';
import { renderReportHtml } from './html.js';
import { buildReportData } from './model.js';
import type { ReportData, ReportInput } from './model.js';
import { REPORT_CSS, REPORT_SCRIPT } from './page-assets.js';

export { buildReportData } from './model.js';
export type { ReportData, ReportInput } from './model.js';
export { embedJson, escapeHtml, renderReportHtml } from './html.js';

const require = createRequire(import.meta.url);

function resolvePackageFile(spec: string): string {
  try {
    return require.resolve(spec);
  } catch {
    // They are development dependencies: rehearsals run in a working tree, never in the image.
    throw new GitopsMlError('E_REPORT_ASSETS', `the report's browser libraries are not installed (${spec}): run npm ci (with development dependencies)`);
  }
}

/** The browser builds shipped with the page: the file name in assets/ and where npm put it. */
export function libraryAssets(): { name: string; from: string }[] {
  return [
    // marked's package exports only its ESM entry; its UMD build sits beside it.
    { name: 'marked.umd.js', from: join(dirname(resolvePackageFile('marked/package.json')), 'lib/marked.umd.js') },
    { name: 'purify.min.js', from: resolvePackageFile('dompurify/dist/purify.min.js') },
    { name: 'mermaid.min.js', from: resolvePackageFile('mermaid/dist/mermaid.min.js') },
  ];
}

export interface WrittenReport {
  /** Absolute path of index.html. */
  index: string;
  data: ReportData;
}

/** Writes `assets` (a directory): the library builds, the page script and its style sheet. */
export function writePageAssets(assets: string): void {
  mkdirSync(assets, { recursive: true });
  for (const a of libraryAssets()) copyFileSync(a.from, join(assets, a.name));
  writeFileSync(join(assets, 'report.js'), REPORT_SCRIPT);
  writeFileSync(join(assets, 'report.css'), REPORT_CSS);
}

/** Writes dir/index.html and dir/assets/*; returns the page's path. */
export function writeReport(dir: string, input: ReportInput): WrittenReport {
  const root = resolve(dir);
  writePageAssets(join(root, 'assets'));
  const data = buildReportData(input);
  const index = join(root, 'index.html');
  writeFileSync(index, renderReportHtml(data));
  return { index, data };
}
