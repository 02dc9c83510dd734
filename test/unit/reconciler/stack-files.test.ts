import { describe, expect, it } from 'vitest';
import { stackFiles } from '../../../src/reconciler/watch/stack-files.js';
import { makeProject } from '../planner/fixtures.js';

describe('stackFiles: what up --watch watches', () => {
  it('stack files, .env (even before it exists), env files of every service, label files, config and secret files', () => {
    const project = {
      ...makeProject(
        { web: { env_file: [{ path: '/srv/p/web.env' }], label_file: ['/srv/p/labels'] } },
        {
          configs: { conf: { file: '/srv/p/conf.ini' }, inline: { content: 'x' } },
          secrets: { key: { file: '/srv/p/key.pem' } },
          disabled: { debug: { env_file: [{ path: '/srv/p/debug.env', required: false }] } },
        },
      ),
      files: ['/srv/p/compose.yaml', '/srv/p/compose.override.yaml', '-'],
      envFiles: ['/srv/p/custom.env'],
    };
    expect(stackFiles(project)).toEqual([
      '/srv/p/.env',
      '/srv/p/compose.override.yaml',
      '/srv/p/compose.yaml',
      '/srv/p/conf.ini',
      '/srv/p/custom.env',
      '/srv/p/debug.env',
      '/srv/p/key.pem',
      '/srv/p/labels',
      '/srv/p/web.env',
    ]);
  });
});
