/** Stacks shared by the planner tests. */
import type { Project } from '../../../src/spec/types.js';
import { makeProject, type ServiceInput } from './fixtures.js';

/**
 * The three-service dev stack of the issue: web → api (service_started) → db (service_healthy),
 * db keeps its data in the named volume `data`, web publishes 8080.
 */
export function threeServices(
  patch: Record<string, ServiceInput> = {},
  volumeDriverOpts?: Record<string, string>,
): Project {
  return makeProject(
    {
      web: {
        depends_on: { api: { condition: 'service_started', required: true } },
        ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }],
        ...patch['web'],
      },
      api: {
        depends_on: { db: { condition: 'service_healthy', required: true } },
        environment: { FOO: '1' },
        ...patch['api'],
      },
      db: {
        volumes: [{ type: 'volume', source: 'data', target: '/data' }],
        healthcheck: { test: ['CMD', 'true'], interval: '5s' },
        ...patch['db'],
      },
    },
    { volumes: { data: volumeDriverOpts ? { driver_opts: volumeDriverOpts } : {} } },
  );
}
