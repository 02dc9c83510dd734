import { describe, expect, it } from 'vitest';
import {
  dependencyOrder,
  findCycle,
  reverseDependencyOrder,
  serviceDependencies,
  withDependencies,
} from '../../../src/planner/dependency-graph.js';
import type { ServiceConfig } from '../../../src/spec/types.js';

const node = (...on: string[]) => ({ dependencies: on.map((o) => ({ on: o })) });
const svc = (s: Partial<ServiceConfig>): ServiceConfig => ({ command: null, entrypoint: null, ...s });

describe('dependency order', () => {
  it.each<[string, Record<string, ReturnType<typeof node>>, string[], string[]]>([
    ['by name when independent', { b: node(), a: node(), c: node() }, ['a', 'b', 'c'], ['a', 'b', 'c']],
    ['chain', { web: node('api'), api: node('db'), db: node() }, ['db', 'api', 'web'], ['web', 'api', 'db']],
    [
      'diamond',
      { d: node('b', 'c'), b: node('a'), c: node('a'), a: node() },
      ['a', 'b', 'c', 'd'],
      ['d', 'b', 'c', 'a'],
    ],
    ['edges to unknown services ignored', { a: node('gone') }, ['a'], ['a']],
  ])('%s', (_name, nodes, forward, reverse) => {
    expect(dependencyOrder(nodes)).toEqual(forward);
    expect(reverseDependencyOrder(nodes)).toEqual(reverse);
  });

  it('finds a cycle as a closed path and no cycle in a DAG', () => {
    expect(findCycle({ a: node('b'), b: node('c'), c: node('b') })).toEqual(['b', 'c', 'b']);
    expect(findCycle({ a: node('b'), b: node() })).toBeNull();
  });

  it('collects transitive dependencies', () => {
    expect(
      [...withDependencies({ web: node('api'), api: node('db'), db: node(), x: node() }, ['web'])].sort(),
    ).toEqual(['api', 'db', 'web']);
  });
});

describe('service dependencies', () => {
  it('merges depends_on with the implicit edges and records their sources', () => {
    const active = new Set(['db', 'cache', 'net', 'data', 'web']);
    const edges = serviceDependencies(
      'web',
      svc({
        depends_on: { db: { condition: 'service_healthy', required: false } },
        links: ['db:database', 'cache'],
        network_mode: 'service:net',
        volumes_from: ['data:ro', 'container:foreign'],
      }),
      active,
    );
    expect(edges).toEqual([
      {
        service: 'web',
        on: 'cache',
        condition: 'service_started',
        required: true,
        restart: true,
        sources: ['links'],
      },
      {
        service: 'web',
        on: 'data',
        condition: 'service_started',
        required: true,
        restart: false,
        sources: ['volumes_from'],
      },
      {
        service: 'web',
        on: 'db',
        condition: 'service_healthy',
        required: false,
        restart: true,
        sources: ['depends_on', 'links'],
      },
      {
        service: 'web',
        on: 'net',
        condition: 'service_started',
        required: true,
        restart: true,
        sources: ['network_mode'],
      },
    ]);
  });

  it('drops edges to inactive services', () => {
    expect(
      serviceDependencies(
        'web',
        svc({ depends_on: { off: { condition: 'service_started', required: false } } }),
        new Set(['web']),
      ),
    ).toEqual([]);
  });
});
