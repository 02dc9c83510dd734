import { posix } from 'node:path';
import { Writable } from 'node:stream';
import { parsePlatform, type Engine } from '../engine/index.js';
import { LABEL } from '../planner/labels.js';
import type { EnginePort, LogEntry, LogOptions } from './engine-port.js';

/** ISO 8601 → nanoseconds since the epoch (the engine's log bounds). */
function isoToNs(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}

/** A sink for helper commands whose output nobody reads. */
function discard(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

/**
 * The reconciler's port over the real Engine facade (`engine.images`, `engine.containers`,
 * `engine.volumes`, `engine.networks()`). Mostly one call each; the few with more to do say why.
 */
export function createEnginePort(engine: Engine): EnginePort {
  const containers = engine.containers;
  const withSignal = (o: { signal?: AbortSignal } | undefined): { signal?: AbortSignal } =>
    o?.signal ? { signal: o.signal } : {};
  return {
    listContainers: (filter, o) => {
      o?.signal?.throwIfAborted();
      const labels: Record<string, string | undefined> = {};
      if (filter.project !== undefined) labels[LABEL.project] = filter.project;
      for (const [k, v] of Object.entries(filter.labels ?? {})) labels[k] = v === '' ? undefined : v;
      return containers.list({ labels });
    },
    inspectContainer: (ref) => containers.find(ref),
    listNetworks: async () => (await engine.networks()).list(),
    listVolumes: () => engine.volumes.list(),

    findImage: (ref) => engine.images.find(ref),
    pullImage: (ref, o = {}) =>
      engine.images.pull(ref, {
        ...withSignal(o),
        ...(o.progress ? { progress: o.progress } : {}),
        ...(o.platform !== undefined ? { platform: parsePlatform(o.platform) } : {}),
      }),
    pushImage: (ref, o = {}) =>
      engine.images.push(ref, { ...withSignal(o), ...(o.progress ? { progress: o.progress } : {}) }),
    removeImage: (ref) => engine.images.remove([ref]),

    createContainer: (spec, o) => containers.create(spec, withSignal(o)),
    startContainer: async (id, o) => {
      await containers.start(id, withSignal(o));
    },
    stopContainer: async (id, o = {}) => {
      await containers.stop(id, {
        ...withSignal(o),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      });
    },
    killContainer: async (id, o = {}) => {
      await containers.kill(id, o.killSignal, withSignal(o));
    },
    removeContainer: (id, o = {}) =>
      containers.remove(id, {
        ...withSignal(o),
        ...(o.force !== undefined ? { force: o.force } : {}),
        ...(o.removeAnonymousVolumes !== undefined ? { volumes: o.removeAnonymousVolumes } : {}),
      }),
    renameContainer: (id, name, o) => containers.rename(id, name, withSignal(o)),
    pauseContainer: (id, o) => containers.pause(id, withSignal(o)),
    unpauseContainer: (id, o) => containers.unpause(id, withSignal(o)),
    setDesiredState: (id, state, o) => containers.setDesiredState(id, state, withSignal(o)),
    waitContainer: (id, o) => containers.wait(id, withSignal(o)),
    logs: (id, o = {}) => logEntries(engine, id, o),
    exec: (id, request, stdio, o) => containers.exec(id, request, stdio, withSignal(o)),
    runAttached: (id, stdio, o) => containers.runAttached(id, stdio, withSignal(o)),
    top: (id) => containers.top(id),
    // One `cp` per entry into its directory; missing directories are made first inside the
    // container (`mkdir -p` through exec: a sync of a new subdirectory's file).
    copyToContainer: async (id, destDir, entries, o) => {
      const dirs = new Set(
        entries.map((e) => (e.path === '.' ? destDir : posix.dirname(posix.join(destDir, e.path)))),
      );
      const code = await containers.exec(
        id,
        { command: ['mkdir', '-p', ...dirs] },
        { stdout: discard(), stderr: discard() },
        withSignal(o),
      );
      if (code !== 0)
        throw new Error(
          `mkdir -p ${[...dirs].join(' ')} in container ${id.slice(0, 12)} exited with ${code}`,
        );
      for (const e of entries) {
        if (e.path === '.')
          await containers.copyTo(id, `${e.hostPath.replace(/\/+$/, '')}/.`, destDir, withSignal(o));
        else await containers.copyTo(id, e.hostPath, posix.join(destDir, e.path), withSignal(o));
      }
    },

    releasePorts: async (id, o) => (await engine.networks()).unpublish(id, withSignal(o)),
    publishPorts: async (id, o) => {
      const info = await containers.inspect(id);
      if (info.spec.ports.length > 0)
        await (await engine.networks()).publish(info.id, info.spec.ports, withSignal(o));
    },
    createNetwork: async (spec, o) => (await engine.networks()).create(spec, withSignal(o)),
    removeNetwork: async (name, o) => (await engine.networks()).remove(name, withSignal(o)),
    // A running container's netns exists (the engine keeps it); connecting puts an interface in it
    // and, if the container publishes ports, publishes them again on its (new) default network.
    connectNetwork: async (id, endpoint, o) => {
      const net = await engine.networks();
      const info = await containers.inspect(id);
      await net.connect(
        endpoint.network,
        {
          containerId: info.id,
          containerName: info.name,
          netnsPath: net.netnsPath(info.id),
          ...(endpoint.aliases ? { aliases: endpoint.aliases } : {}),
          ...(endpoint.ipv4Address ? { ipv4Address: endpoint.ipv4Address } : {}),
          ...(endpoint.macAddress ? { macAddress: endpoint.macAddress } : {}),
        },
        withSignal(o),
      );
      if (info.spec.ports.length > 0) await net.publish(info.id, info.spec.ports, withSignal(o));
    },
    disconnectNetwork: async (id, network, o) =>
      (await engine.networks()).disconnect(network, id, withSignal(o)),
    createVolume: (spec, o) => engine.volumes.create(spec, withSignal(o)),
    removeVolume: (name, o) => engine.volumes.remove(name, withSignal(o)),
  };
}

async function* logEntries(engine: Engine, id: string, o: LogOptions): AsyncGenerator<LogEntry> {
  for await (const line of engine.containers.logs(id, {
    ...(o.follow ? { follow: true } : {}),
    ...(o.tail !== undefined ? { tail: o.tail } : {}),
    ...(o.since !== undefined ? { sinceNs: isoToNs(o.since) } : {}),
    ...(o.until !== undefined ? { untilNs: isoToNs(o.until) } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  })) {
    yield { stream: line.stream, time: line.time, text: line.text.toString('utf8') };
  }
}
