import { readEnvFile } from '../env/project-environment.js';
import type { ServiceConfig } from '../service-types.js';
import type { ProjectStage } from './project-stage.js';

/**
 * Project stage — `label_file`s of each active service are read in order (same format as env
 * files; later files win, values may refer to labels read before), then `labels` override them.
 */
export const resolveLabelsStage: ProjectStage = {
  name: 'resolve-labels',
  async run(project, ctx) {
    const services: Record<string, ServiceConfig> = {};
    for (const [name, service] of Object.entries(project.services)) {
      if (!service.label_file || service.label_file.length === 0) {
        services[name] = service;
        continue;
      }
      const labels: Record<string, string> = {};
      for (const file of service.label_file) {
        const fileLabels: Record<string, string> = {};
        const found = await readEnvFile(file, fileLabels, {
          reader: ctx.cachedReader,
          signal: ctx.signal,
          displayBase: ctx.displayBase,
          lookup: (key) => (Object.hasOwn(labels, key) ? labels[key] : undefined),
        });
        if (!found) ctx.fail('SPEC_FILE', `label file ${file} not found (services.${name}.label_file)`);
        Object.assign(labels, fileLabels);
      }
      Object.assign(labels, service.labels ?? {});
      const sorted: Record<string, string> = {};
      for (const key of Object.keys(labels).sort()) sorted[key] = labels[key] as string;
      services[name] = { ...service, labels: sorted };
    }
    return { ...project, services };
  },
};
