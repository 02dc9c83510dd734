import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { planSteps } from '../../../../src/cli/render/plan-steps.js';
import { createStepRenderer } from '../../../../src/cli/render/step-renderer.js';
import { plan } from '../../../../src/planner/plan.js';
import { desiredOf, makeProject } from '../../planner/fixtures.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { out, text: () => text };
}

const project = makeProject({ web: {} }, { volumes: { data: {} } });
const steps = planSteps(
  plan(desiredOf(project, { images: { 'web:1': null } }), { containers: [], networks: [], volumes: [] }),
);

describe('per-resource progress of a plan', () => {
  it('steps carry Compose’s words: Network, Volume, Image, Container', () => {
    expect(steps).toEqual([
      { id: 'network:default', title: 'Network p_default' },
      { id: 'image:web:1', title: 'Image web:1' },
      { id: 'service:web:1', title: 'Container p-web-1' },
    ]);
  });

  it('plain: one line per change of a step, others by id; repeated states are not repeated', async () => {
    const { out, text } = capture();
    const r = await createStepRenderer('plain', out, steps);
    r.emit({ id: 'service:web:1', status: 'working', text: 'Creating' });
    r.emit({ id: 'service:web:1', status: 'working', text: 'Creating' });
    r.emit({
      id: 'layer:0123456789ab',
      parent: 'image:web:1',
      status: 'working',
      text: 'Downloading',
      current: 1,
      total: 2,
    });
    r.emit({ id: 'service:web:1', status: 'done', text: 'Started' });
    await r.done();
    expect(text()).toBe(
      ' Container p-web-1  Creating\n0123456789ab: Downloading\n Container p-web-1  Started\n',
    );
  });

  it('json: every event as a JSON line; quiet: nothing', async () => {
    const json = capture();
    const r = await createStepRenderer('json', json.out, steps);
    r.emit({ id: 'network:default', status: 'done', text: 'Created' });
    await r.done();
    expect(JSON.parse(json.text())).toEqual({ id: 'network:default', status: 'done', text: 'Created' });
    const quiet = capture();
    const q = await createStepRenderer('quiet', quiet.out, steps);
    q.emit({ id: 'network:default', status: 'done', text: 'Created' });
    await q.done();
    expect(quiet.text()).toBe('');
  });

  it('auto on something that is not a terminal is plain', async () => {
    const { out, text } = capture();
    const r = await createStepRenderer('auto', out, steps);
    r.emit({ id: 'network:default', status: 'done', text: 'Created' });
    await r.done();
    expect(text()).toBe(' Network p_default  Created\n');
  });

  it('tty (listr2): settles when every step is done, and when done() is called early', async () => {
    const { out, text } = capture();
    const r = await createStepRenderer('tty', out, steps);
    r.emit({ id: 'network:default', status: 'done', text: 'Created' });
    r.emit({ id: 'service:web:1', status: 'error', text: 'Error' });
    await r.done();
    expect(text()).toContain('Network p_default  Created');
    expect(text()).toContain('Container p-web-1  Error');
  });
});
