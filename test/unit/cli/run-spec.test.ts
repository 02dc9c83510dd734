import { describe, expect, it } from 'vitest';
import { oneOffSpec, parsePublish, parseVolume } from '../../../src/cli/run-spec.js';
import { buildDesiredState, containerSpecFor } from '../../../src/planner/desired-state.js';
import { LABEL } from '../../../src/planner/labels.js';
import { makeProject } from '../planner/fixtures.js';

describe('run: the one-off container spec', () => {
  const project = makeProject(
    {
      web: {
        restart: 'always',
        environment: { A: '1' },
        ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }],
      },
    },
    { volumes: { data: {} } },
  );
  const desired = buildDesiredState(project, { images: { 'web:1': { id: 'sha256:1' } } });
  const base = containerSpecFor('p', desired.services['web']!, 1);
  const overrides = {
    env: { B: '2' },
    labels: { extra: 'yes' },
    publish: [],
    servicePorts: false,
    volumes: [],
    tty: false,
    interactive: true,
    capAdd: [],
    capDrop: [],
  };

  it('is labelled one-off, has no container number, restart policy or ports, and a run name', () => {
    const spec = oneOffSpec(project, 'web', base, overrides);
    expect(spec.name).toMatch(/^p-web-run-[0-9a-f]{12}$/);
    expect(spec.labels[LABEL.oneoff]).toBe('true');
    expect(spec.labels[LABEL.containerNumber]).toBeUndefined();
    expect(spec.labels['extra']).toBe('yes');
    expect(spec.restartPolicy).toBeUndefined();
    expect(spec.ports).toEqual([]);
    expect(spec.env).toEqual({ A: '1', B: '2' });
    expect(spec.stdinOpen).toBe(true);
  });

  it('--service-ports keeps the service ports, -p adds; command, entrypoint, -w, -u, --name override', () => {
    const spec = oneOffSpec(project, 'web', base, {
      ...overrides,
      servicePorts: true,
      publish: ['127.0.0.1:9000:90/udp'],
      command: ['echo', 'hi'],
      entrypoint: 'sh -c',
      workdir: '/tmp',
      user: 'app',
      name: 'custom',
    });
    expect(spec.ports).toEqual([
      ...base.ports,
      { hostIp: '127.0.0.1', hostPort: 9000, containerPort: 90, protocol: 'udp' },
    ]);
    expect(spec).toMatchObject({
      name: 'custom',
      command: ['echo', 'hi'],
      entrypoint: ['sh', '-c'],
      workingDir: '/tmp',
      user: 'app',
    });
    expect(oneOffSpec(project, 'web', base, { ...overrides, entrypoint: '' }).entrypoint).toEqual([]);
  });

  it.each([
    ['80', { containerPort: 80, protocol: 'tcp' }],
    ['8080:80', { hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    [
      '8000-8001:80-81/tcp',
      { hostPort: 8000, hostPortEnd: 8001, containerPort: 80, containerPortEnd: 81, protocol: 'tcp' },
    ],
  ])('-p %s', (text, expected) => {
    expect(parsePublish(text)).toEqual(expected);
  });

  it('-p rejects what is not a port', () => {
    expect(() => parsePublish('http')).toThrow('-p: expected [IP:][HOST:]CONTAINER[/PROTOCOL], got "http"');
  });

  it.each([
    [
      './src:/app',
      { type: 'bind', source: '/srv/p/src', target: '/app', readOnly: false, createHostPath: true },
    ],
    ['/etc/x:/x:ro', { type: 'bind', source: '/etc/x', target: '/x', readOnly: true, createHostPath: true }],
    ['data:/data', { type: 'volume', source: 'p_data', target: '/data', readOnly: false }],
    ['other:/o', { type: 'volume', source: 'other', target: '/o', readOnly: false }],
  ])('-v %s', (text, expected) => {
    expect(parseVolume(text, project)).toEqual(expected);
  });

  it('-v needs an absolute target', () => {
    expect(() => parseVolume('data:rel', project)).toThrow(
      '-v: expected SOURCE:TARGET[:ro|rw] with an absolute TARGET',
    );
  });
});
