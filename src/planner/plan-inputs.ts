import type { Project, ServiceConfig } from '../spec/types.js';
import { imageRefFor } from './desired-state.js';

/** A file whose content digest the caller must compute (sha256 of its bytes, `sha256:<hex>`). */
export interface FileDigestRequest {
  readonly kind: 'config' | 'secret';
  /** Key in the top-level `configs`/`secrets` (the key of `contentDigests.configs|secrets`). */
  readonly key: string;
  /** Absolute path. */
  readonly path: string;
}

/** The I/O the caller does before `buildDesiredState` (the planner itself does none). */
export interface PlanInputRequests {
  /** Image references to look up in the image store (the keys of `inputs.images`), sorted. */
  readonly images: readonly string[];
  /** Config and secret files used by active services, to digest. */
  readonly files: readonly FileDigestRequest[];
}

/** What to look up and read for a project's desired state: images of active services, files behind configs/secrets. */
export function planInputs(project: Project): PlanInputRequests {
  const images = new Set<string>();
  const files = new Map<string, FileDigestRequest>();
  for (const [name, service] of Object.entries(project.services)) {
    if (service.provider !== undefined) continue;
    images.add(imageRefFor(project.name, name, service));
    collect(service, 'config', project, files);
    collect(service, 'secret', project, files);
  }
  return {
    images: [...images].sort(),
    files: [...files.values()].sort((a, b) => (`${a.kind}:${a.key}` < `${b.kind}:${b.key}` ? -1 : 1)),
  };
}

function collect(
  service: ServiceConfig,
  kind: 'config' | 'secret',
  project: Project,
  out: Map<string, FileDigestRequest>,
): void {
  const refs = (kind === 'config' ? service.configs : service.secrets) ?? [];
  const defs = kind === 'config' ? project.configs : project.secrets;
  for (const ref of refs) {
    const file = defs[ref.source]?.file;
    if (file !== undefined && defs[ref.source]?.external !== true) {
      out.set(`${kind}:${ref.source}`, { kind, key: ref.source, path: file });
    }
  }
}
