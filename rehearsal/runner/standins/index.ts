import { cache } from './cache.js';
import { checkout } from './checkout.js';
import { uploadSarif } from './codeql-upload-sarif.js';
import { buildPushAction, loginAction, setupBuildxAction } from './docker.js';
import { downloadArtifact, uploadArtifact } from './artifacts.js';
import { deployPagesAction, uploadPagesArtifact } from './pages.js';
import { setupNode } from './setup-node.js';
import type { StandIn } from './types.js';

/** The stand-ins for the third-party actions this repository's workflows pin. */
export function builtinStandIns(): StandIn[] {
  return [checkout, setupNode, cache, uploadArtifact, downloadArtifact, uploadSarif, loginAction, setupBuildxAction, buildPushAction, uploadPagesArtifact, deployPagesAction];
}

export type { StandIn, StandInContext, StandInMeta, StandInServices } from './types.js';
