import { describe, expect, it } from 'vitest';
import { load } from '../spec-test-kit.js';

/** Loads `base` then `override` (as -f compose.yaml -f override.yaml) and returns service `web`. */
async function mergedWeb(base: string, override: string): Promise<Record<string, unknown>> {
  const { project } = await load({
    files: {
      'compose.yaml': `services:\n  web:\n${indent(base)}`,
      'override.yaml': `services:\n  web:\n${indent(override)}`,
    },
    main: ['compose.yaml', 'override.yaml'],
    options: { switches: { normalize: false, consistency: false } },
  });
  return project.services['web'] as unknown as Record<string, unknown>;
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
    .concat('\n');
}

describe('merging files (13-merge.md)', () => {
  it.each([
    ['scalar replaced', 'image: a', 'image: b', 'image', 'b'],
    ['scalar kept when absent', 'image: a\nuser: x', 'image: b', 'user', 'x'],
    ['null override keeps base', 'image: a\nuser: x', 'user: null', 'user', 'x'],
    [
      'command replaced, not appended',
      'image: a\ncommand: [echo, a]',
      'command: [echo, b]',
      'command',
      ['echo', 'b'],
    ],
    ['entrypoint replaced', 'image: a\nentrypoint: [a, b]', 'entrypoint: [c]', 'entrypoint', ['c']],
    ['string command replaces list', 'image: a\ncommand: [a]', 'command: b c', 'command', ['b', 'c']],
    [
      'healthcheck.test replaced',
      'image: a\nhealthcheck: {test: [CMD, a], retries: 2}',
      'healthcheck: {test: [CMD, b]}',
      'healthcheck',
      { test: ['CMD', 'b'], retries: 2 },
    ],
    [
      'healthcheck mapping merged',
      'image: a\nhealthcheck: {interval: 10s}',
      'healthcheck: {timeout: 2s}',
      'healthcheck',
      { interval: '10s', timeout: '2s' },
    ],
    ['sequence appended', 'image: a\ncap_add: [A]', 'cap_add: [B]', 'cap_add', ['A', 'B']],
    ['sequence duplicates collapsed', 'image: a\ncap_add: [A]', 'cap_add: [A, B]', 'cap_add', ['A', 'B']],
    [
      'dns appended (string and list)',
      'image: a\ndns: 1.1.1.1',
      'dns: [8.8.8.8]',
      'dns',
      ['1.1.1.1', '8.8.8.8'],
    ],
    [
      'environment mappings merged',
      'image: a\nenvironment: {A: "1", B: "2"}',
      'environment: {B: "3"}',
      'environment',
      { A: '1', B: '3' },
    ],
    [
      'environment list over mapping',
      'image: a\nenvironment: {A: "1"}',
      'environment: [A=2, C=3]',
      'environment',
      { A: '2', C: '3' },
    ],
    [
      'environment mapping over list',
      'image: a\nenvironment: [A=1]',
      'environment: {A: x}',
      'environment',
      { A: 'x' },
    ],
    [
      'labels merged by key',
      'image: a\nlabels: [a=1, b=2]',
      'labels: {b: "9"}',
      'labels',
      { a: '1', b: '9' },
    ],
    [
      'annotations merged by key',
      'image: a\nannotations: {a: "1"}',
      'annotations: [a=2]',
      'annotations',
      { a: '2' },
    ],
    ['sysctls merged', 'image: a\nsysctls: {a: 1}', 'sysctls: {b: 2}', 'sysctls', { a: '1', b: '2' }],
    [
      'ports merged on unique key',
      'image: a\nports: ["8080:80"]',
      'ports: ["8080:80", "9090:90"]',
      'ports',
      [
        { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
        { mode: 'ingress', target: 90, published: '9090', protocol: 'tcp' },
      ],
    ],
    [
      'ports long and short collapse',
      'image: a\nports: ["8080:80"]',
      'ports: [{target: 80, published: "8080", app_protocol: http}]',
      'ports',
      [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp', app_protocol: 'http' }],
    ],
    [
      'volumes merged on target',
      'image: a\nvolumes: ["foo:/work"]',
      'volumes: ["bar:/work"]',
      'volumes',
      [{ type: 'volume', source: 'bar', target: '/work', volume: {} }],
    ],
    [
      'volumes appended on new target',
      'image: a\nvolumes: ["/a:/a"]',
      'volumes: ["/b:/b"]',
      'volumes',
      [
        { type: 'bind', source: '/a', target: '/a', bind: {} },
        { type: 'bind', source: '/b', target: '/b', bind: {} },
      ],
    ],
    [
      'secrets merged on target',
      'image: a\nsecrets: [s]',
      'secrets: [{source: t, target: /run/secrets/s}]',
      'secrets',
      [{ source: 't', target: '/run/secrets/s' }],
    ],
    [
      'configs merged on target',
      'image: a\nconfigs: [{source: c, target: /x}]',
      'configs: [{source: d, target: /x, mode: 0400}]',
      'configs',
      [{ source: 'd', target: '/x', mode: '0400' }],
    ],
    ['expose deduplicated', 'image: a\nexpose: ["80"]', 'expose: [80, 81]', 'expose', ['80', '81']],
    [
      'depends_on list over mapping',
      'image: a\ndepends_on: {db: {condition: service_healthy}}',
      'depends_on: [cache]',
      'depends_on',
      {
        cache: { condition: 'service_started', required: true },
        db: { condition: 'service_healthy', required: true },
      },
    ],
    [
      'depends_on condition overridden',
      'image: a\ndepends_on: [db]',
      'depends_on: {db: {condition: service_healthy}}',
      'depends_on',
      {
        db: { condition: 'service_healthy', required: true },
      },
    ],
    [
      'networks list and mapping',
      'image: a\nnetworks: [front]',
      'networks: {back: {aliases: [b]}}',
      'networks',
      { back: { aliases: ['b'] }, front: null },
    ],
    [
      'extra_hosts not repeated',
      'image: a\nextra_hosts: ["a=1.1.1.1"]',
      'extra_hosts: ["a=1.1.1.1", "b=2.2.2.2"]',
      'extra_hosts',
      ['a=1.1.1.1', 'b=2.2.2.2'],
    ],
    [
      'logging same driver merges options',
      'image: a\nlogging: {driver: syslog, options: {a: "1"}}',
      'logging: {driver: syslog, options: {b: "2"}}',
      'logging',
      { driver: 'syslog', options: { a: '1', b: '2' } },
    ],
    [
      'logging other driver replaces',
      'image: a\nlogging: {driver: syslog, options: {a: "1"}}',
      'logging: {driver: json-file}',
      'logging',
      { driver: 'json-file' },
    ],
    [
      'logging without driver merges',
      'image: a\nlogging: {driver: syslog}',
      'logging: {options: {b: "2"}}',
      'logging',
      { driver: 'syslog', options: { b: '2' } },
    ],
    [
      'build string over mapping',
      'build: {context: ., target: dev}',
      'build: ./other',
      'build',
      { context: '/p/other', target: 'dev' },
    ],
    [
      'build args merged',
      'build: {context: ., args: [A=1]}',
      'build: {args: {B: "2"}}',
      'build',
      { context: '/p', args: { A: '1', B: '2' } },
    ],
    [
      'ulimit replaced whole',
      'image: a\nulimits: {nofile: {soft: 1, hard: 2}}',
      'ulimits: {nofile: 5}',
      'ulimits',
      { nofile: 5 },
    ],
    [
      'env_file appended',
      'image: a\nenv_file: [{path: a.env, required: false}]',
      'env_file: [{path: b.env, required: false}]',
      'env_file',
      [
        { path: '/p/a.env', required: false },
        { path: '/p/b.env', required: false },
      ],
    ],
    [
      'deploy nested merge',
      'image: a\ndeploy: {replicas: 2, resources: {limits: {memory: 1g}}}',
      'deploy: {resources: {limits: {cpus: "0.5"}}}',
      'deploy',
      {
        replicas: 2,
        resources: { limits: { cpus: 0.5, memory: '1073741824' } },
        placement: {},
      },
    ],
    ['!reset removes a value', 'image: a\nuser: x', 'user: !reset null', 'user', undefined],
    ['!reset empties a list', 'image: a\nports: ["80:80"]', 'ports: !reset []', 'ports', undefined],
    [
      '!reset one environment key',
      'image: a\nenvironment: {A: "1", B: "2"}',
      'environment: {A: !reset null}',
      'environment',
      { B: '2' },
    ],
    [
      '!override replaces a list',
      'image: a\nports: ["8080:80"]',
      'ports: !override ["8443:443"]',
      'ports',
      [{ mode: 'ingress', target: 443, published: '8443', protocol: 'tcp' }],
    ],
    [
      '!override replaces a mapping',
      'image: a\nenvironment: {A: "1"}',
      'environment: !override {B: "2"}',
      'environment',
      { B: '2' },
    ],
  ])('%s', async (_name, base, override, key, expected) => {
    const web = await mergedWeb(base, override);
    expect(web[key]).toEqual(expected);
  });

  it('merges top-level resources key by key', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services: {web: {image: a}}\nnetworks: {n: {driver: bridge, labels: [a=1]}}\nvolumes: {v: {}}',
        'override.yaml': 'networks: {n: {internal: true, labels: {b: "2"}}}\nvolumes: {w: {driver: local}}',
      },
      main: ['compose.yaml', 'override.yaml'],
    });
    expect(project.networks['n']).toEqual({
      name: 'p_n',
      driver: 'bridge',
      ipam: {},
      internal: true,
      labels: { a: '1', b: '2' },
    });
    expect(Object.keys(project.volumes)).toEqual(['v', 'w']);
  });

  it('rejects merging a list onto a mapping', async () => {
    await expect(mergedWeb('image: a\nhealthcheck: {test: [CMD, x]}', 'healthcheck: [a]')).rejects.toThrow(
      /cannot merge a list onto the value of an earlier file/,
    );
  });
});
