import type { EndpointInfo } from '../network/types.js';
import type { ContainerPaths, ContainerRecord } from './container-record.js';
import type { RunState } from './container-observe.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const MS_NS = 1_000_000;

/**
 * `container inspect`: Docker's JSON shape (the Engine API's ContainerInspect), so scripts
 * written for `docker inspect` read ours: State (with Health), Config, HostConfig,
 * NetworkSettings (ports and networks), Mounts.
 */
export function dockerInspect(
  r: ContainerRecord,
  run: RunState,
  endpoints: readonly EndpointInfo[],
  p: ContainerPaths,
): Record<string, unknown> {
  const cfg = r.config;
  const spec = r.spec;
  const res = spec.resources ?? {};
  const args = cfg?.args ?? [];
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const e of cfg?.exposedPorts ?? []) ports[e] = null;
  for (const pp of r.ports) {
    const key = `${pp.containerPort}/${pp.protocol}`;
    (ports[key] ??= []).push({ HostIp: pp.hostIp, HostPort: String(pp.hostPort) });
  }
  const primary = endpoints.find((e) => e.isDefaultRoute) ?? endpoints[0];
  const health =
    run.health ?? (cfg?.healthcheck ? { status: 'starting' as const, failingStreak: 0, log: [] } : null);
  return {
    Id: r.id,
    Created: r.created,
    Path: args[0] ?? '',
    Args: args.slice(1),
    State: {
      Status: run.state,
      Running: run.state === 'running' || run.state === 'paused' || run.state === 'restarting',
      Paused: run.state === 'paused',
      Restarting: run.state === 'restarting',
      OOMKilled: run.oomKilled,
      Dead: run.state === 'dead',
      Pid: run.pid,
      ExitCode: run.exitCode ?? 0,
      Error: run.error ?? '',
      StartedAt: run.startedAt ?? ZERO_TIME,
      FinishedAt: run.finishedAt ?? ZERO_TIME,
      ...(health
        ? {
            Health: {
              Status: health.status,
              FailingStreak: health.failingStreak,
              Log: health.log.map((l) => ({
                Start: l.start,
                End: l.end,
                ExitCode: l.exitCode,
                Output: l.output,
              })),
            },
          }
        : {}),
    },
    Image: r.image.id,
    ResolvConfPath: p.resolvConf,
    HostnamePath: p.hostname,
    HostsPath: p.hosts,
    LogPath: spec.logging?.driver === 'none' ? '' : p.log,
    Name: `/${r.name}`,
    RestartCount: run.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    HostConfig: {
      Binds: r.mounts
        .filter((m) => m.type !== 'tmpfs' && !m.anonymous)
        .map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
      NetworkMode:
        spec.network.mode === 'bridge'
          ? (spec.network.networks[0]?.network ?? 'none')
          : spec.network.mode === 'container'
            ? `container:${spec.network.container}`
            : spec.network.mode,
      PortBindings: Object.fromEntries(
        spec.ports.map((pb) => [
          `${pb.containerPort}${pb.containerPortEnd ? `-${pb.containerPortEnd}` : ''}/${pb.protocol ?? 'tcp'}`,
          [
            {
              HostIp: pb.hostIp ?? '',
              HostPort: pb.hostPort ? `${pb.hostPort}${pb.hostPortEnd ? `-${pb.hostPortEnd}` : ''}` : '',
            },
          ],
        ]),
      ),
      RestartPolicy: {
        Name: cfg?.restartPolicy.name ?? 'no',
        MaximumRetryCount: cfg?.restartPolicy.maxRetries ?? 0,
      },
      AutoRemove: spec.autoRemove ?? false,
      CapAdd: spec.capAdd ?? null,
      CapDrop: spec.capDrop ?? null,
      Dns: spec.dns ?? [],
      DnsOptions: spec.dnsOptions ?? [],
      DnsSearch: spec.dnsSearch ?? [],
      ExtraHosts: (spec.extraHosts ?? []).map((h) => `${h.hostname}:${h.ip}`),
      Init: spec.init ?? false,
      Privileged: spec.privileged ?? false,
      ReadonlyRootfs: spec.readOnlyRootfs ?? false,
      SecurityOpt: spec.securityOpt ?? null,
      ShmSize: spec.shmSizeBytes ?? 64 * 1024 * 1024,
      Sysctls: spec.sysctls ?? {},
      Tmpfs: Object.fromEntries(
        spec.mounts.filter((m) => m.type === 'tmpfs').map((m) => [m.target, (m.options ?? []).join(',')]),
      ),
      Memory: res.memoryBytes ?? 0,
      MemorySwap: res.memorySwapBytes ?? (res.memoryBytes ? 2 * res.memoryBytes : 0),
      NanoCpus: res.cpus ? Math.round(res.cpus * 1e9) : 0,
      CpuShares: res.cpuShares ?? 0,
      CpuQuota: res.cpuQuotaUs ?? 0,
      CpuPeriod: res.cpuPeriodUs ?? 0,
      CpusetCpus: res.cpusetCpus ?? '',
      PidsLimit: res.pidsLimit ?? null,
      OomScoreAdj: res.oomScoreAdj ?? 0,
      Ulimits: (spec.ulimits ?? []).map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      LogConfig: { Type: spec.logging?.driver ?? 'json-file', Config: spec.logging?.options ?? {} },
      IpcMode: spec.ipc ?? 'private',
      PidMode: spec.pid ?? '',
      UTSMode: spec.uts ?? '',
    },
    Mounts: r.mounts.map((m) => ({
      Type: m.type,
      ...(m.volumeName ? { Name: m.volumeName } : {}),
      Source: m.type === 'tmpfs' ? '' : (m.hostPath ?? m.source),
      Destination: m.target,
      ...(m.type === 'volume' ? { Driver: 'local' } : {}),
      Mode: m.type === 'bind' ? (m.readOnly ? 'ro' : '') : m.type === 'volume' ? 'z' : '',
      RW: !m.readOnly,
      Propagation:
        m.type === 'bind' ? (m.options.find((o) => /private|shared|slave/.test(o)) ?? 'rprivate') : '',
    })),
    Config: {
      Hostname: cfg?.hostname ?? '',
      Domainname: cfg?.domainname ?? '',
      User: cfg?.user ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: Object.fromEntries((cfg?.exposedPorts ?? []).map((e) => [e, {}])),
      Tty: cfg?.tty ?? false,
      OpenStdin: cfg?.openStdin ?? false,
      StdinOnce: false,
      Env: cfg?.env ?? [],
      Cmd: cfg?.cmd ?? [],
      Image: r.image.reference,
      Volumes: Object.fromEntries((cfg?.imageVolumes ?? []).map((v) => [v, {}])),
      WorkingDir: cfg?.cwd ?? '',
      Entrypoint: cfg && cfg.entrypoint.length > 0 ? cfg.entrypoint : null,
      Labels: cfg?.labels ?? spec.labels,
      StopSignal: cfg?.stopSignal ?? 'SIGTERM',
      StopTimeout: Math.round((cfg?.stopTimeoutMs ?? 10_000) / 1000),
      ...(cfg?.healthcheck
        ? {
            Healthcheck: {
              Test: cfg.healthcheck.test,
              Interval: cfg.healthcheck.intervalMs * MS_NS,
              Timeout: cfg.healthcheck.timeoutMs * MS_NS,
              StartPeriod: cfg.healthcheck.startPeriodMs * MS_NS,
              StartInterval: cfg.healthcheck.startIntervalMs * MS_NS,
              Retries: cfg.healthcheck.retries,
            },
          }
        : {}),
    },
    NetworkSettings: {
      SandboxKey: r.netnsPath ?? '',
      Ports: ports,
      IPAddress: primary?.ipv4Address ?? '',
      IPPrefixLen: primary?.prefixLength ?? 0,
      Gateway: primary?.gateway ?? '',
      MacAddress: primary?.macAddress ?? '',
      Networks: Object.fromEntries(
        endpoints.map((e) => [
          e.networkName,
          {
            Aliases: e.aliases,
            NetworkID: e.networkId,
            Gateway: e.gateway,
            IPAddress: e.ipv4Address,
            IPPrefixLen: e.prefixLength,
            MacAddress: e.macAddress,
            DNSNames: e.dnsNames,
          },
        ]),
      ),
    },
  };
}
