import type {
  ContainerEndpointSpec,
  ContainerNetworking,
  ExposedPortSpec,
  ExtraHostSpec,
} from '../engine/container/types.js';
import type { PortBindingSpec, PortProtocol } from '../engine/network/types.js';
import type { ServiceConfig } from '../spec/types.js';
import { compare, serviceReference } from './dependency-graph.js';
import { unsupported, type MappingContext } from './mapping-context.js';

/**
 * `network_mode` or `networks` as the engine's networking. Networks are attached in Compose's
 * order: highest `priority` first, then by key; the service name is the first alias on each (so
 * every replica answers to it), then the service's `aliases`. A service-level `mac_address` applies
 * to the first network unless that network sets its own.
 */
export function serviceNetworking(service: ServiceConfig, ctx: MappingContext): ContainerNetworking {
  const mode = service.network_mode;
  if (mode !== undefined) {
    if (mode === 'host' || mode === 'none') return { mode };
    const ref = serviceReference(mode);
    if (ref !== null) return { mode: 'container', container: ctx.serviceContainer(ref) };
    if (mode.startsWith('container:'))
      return { mode: 'container', container: mode.slice('container:'.length) };
    if (mode === 'bridge' || mode === 'default') {
      throw unsupported(
        ctx,
        'network_mode',
        `"${mode}" (Docker's default bridge) does not exist here`,
        "leave network_mode out: the service joins the stack's default network",
      );
    }
    throw unsupported(ctx, 'network_mode', `"${mode}" is not supported`);
  }
  const entries = Object.entries(service.networks ?? {}).sort(([ka, a], [kb, b]) => {
    const pa = a?.priority ?? 0;
    const pb = b?.priority ?? 0;
    return pa !== pb ? pb - pa : compare(ka, kb);
  });
  const networks: ContainerEndpointSpec[] = entries.map(([key, cfg], i) => {
    const aliases = [ctx.serviceName, ...(cfg?.aliases ?? [])].filter((a, j, all) => all.indexOf(a) === j);
    const mac = cfg?.mac_address ?? (i === 0 ? service.mac_address : undefined);
    if (cfg?.ipv6_address !== undefined) {
      throw unsupported(ctx, `networks.${key}.ipv6_address`, 'IPv6 is not supported yet');
    }
    return {
      network: ctx.project.networks[key]?.name ?? `${ctx.project.name}_${key}`,
      aliases,
      ...(cfg?.ipv4_address !== undefined ? { ipv4Address: cfg.ipv4_address } : {}),
      ...(mac !== undefined ? { macAddress: mac } : {}),
      ...(cfg?.interface_name !== undefined ? { interfaceName: cfg.interface_name } : {}),
      ...(cfg?.gw_priority !== undefined ? { gwPriority: cfg.gw_priority } : {}),
      ...(cfg?.driver_opts !== undefined ? { driverOpts: cfg.driver_opts } : {}),
    };
  });
  return { mode: 'bridge', networks };
}

/**
 * `ports` (long syntax) as port bindings: `published` is a port, a range (`8000-8010`: the engine
 * takes the first free one for a single container port) or absent (a random port).
 */
export function servicePorts(service: ServiceConfig, ctx: MappingContext): PortBindingSpec[] {
  return (service.ports ?? []).map((p, i) => {
    const protocol = parseProtocol(p.protocol, `ports[${i}].protocol`, ctx);
    const binding: {
      hostIp?: string;
      hostPort?: number;
      hostPortEnd?: number;
      containerPort: number;
      protocol: PortProtocol;
    } = { containerPort: p.target, protocol };
    if (p.host_ip !== undefined && p.host_ip !== '') binding.hostIp = p.host_ip;
    if (p.published !== undefined && p.published !== '') {
      const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(String(p.published));
      if (!m)
        throw unsupported(ctx, `ports[${i}].published`, `expected a port or range, got "${p.published}"`);
      const start = Number(m[1]);
      const end = m[2] === undefined ? undefined : Number(m[2]);
      if (start !== 0) binding.hostPort = start;
      if (end !== undefined && end !== start) binding.hostPortEnd = end;
    }
    return binding;
  });
}

/** `expose: ["3000", "4000-4005/udp"]`. */
export function serviceExpose(service: ServiceConfig, ctx: MappingContext): ExposedPortSpec[] {
  return (service.expose ?? []).map((entry, i) => {
    const m = /^([0-9]+)(?:-([0-9]+))?(?:\/([a-z]+))?$/.exec(String(entry));
    if (!m) throw unsupported(ctx, `expose[${i}]`, `expected a port or range, got "${entry}"`);
    const protocol = parseProtocol(m[3], `expose[${i}]`, ctx);
    const port = Number(m[1]);
    const portEnd = m[2] === undefined ? undefined : Number(m[2]);
    return { port, ...(portEnd !== undefined && portEnd !== port ? { portEnd } : {}), protocol };
  });
}

/** `extra_hosts` (`host=ip`, as the loader writes them; `host:ip` accepted for IPv4). */
export function serviceExtraHosts(service: ServiceConfig, ctx: MappingContext): ExtraHostSpec[] {
  return (service.extra_hosts ?? []).map((entry, i) => {
    let sep = entry.indexOf('=');
    if (sep < 0) sep = entry.indexOf(':');
    if (sep <= 0) throw unsupported(ctx, `extra_hosts[${i}]`, `expected host=ip, got "${entry}"`);
    let ip = entry.slice(sep + 1);
    if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    return { hostname: entry.slice(0, sep), ip };
  });
}

function parseProtocol(value: string | undefined, path: string, ctx: MappingContext): PortProtocol {
  const p = (value ?? 'tcp').toLowerCase();
  if (p === 'tcp' || p === 'udp') return p;
  throw unsupported(ctx, path, `protocol "${p}" is not supported (tcp and udp are)`);
}
