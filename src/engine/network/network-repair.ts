import { ensureBridge } from './bridge.js';
import { linkExists, removeLink } from './link.js';
import type { NetworkContext } from './network-converge.js';
import { prefixLengthOf, type NetworkRecord } from './network-record.js';
import type { OpOptions } from './types.js';
import { attachToBridge, deleteVeth } from './veth.js';

/** What a repair did, for the debug log and tests. */
export interface RepairReport {
  /** `network:<name> create completed`, `endpoint:<ctr>@<net> rolled back`, … */
  readonly actions: readonly string[];
}

export function bridgeConfigOf(r: NetworkRecord): Parameters<typeof ensureBridge>[0] {
  return {
    name: r.bridge,
    mac: r.bridgeMac,
    gatewayCidr: `${r.gateway}/${prefixLengthOf(r)}`,
    mtu: r.mtu,
    internal: r.internal,
  };
}

/**
 * Finishes or undoes what a killed command left (the caller holds the engine lock, so nothing
 * else is in flight): every record is written *before* the host objects it names are made and
 * marked `ready` after, so a record tells what may be half done.
 *
 * - network `creating` → completed (the record holds everything the bridge needs);
 * - network `removing` → removal completed;
 * - endpoint `attaching` → rolled back (veth deleted, lease freed): its caller never got an
 *   EndpointInfo and will connect again;
 * - endpoint `detaching` → detach completed;
 * - a `ready` network whose bridge is missing (host rebooted, someone deleted it) → recreated.
 *
 * Links are never deleted because no record names them: names carry only a 16-bit root tag, and
 * another root's links could share it. No such orphan can arise anyway — a record is written
 * before the link it names.
 *
 * The nft table and DNS records are rewritten afterwards by `converge`.
 */
export async function repairNetworks(ctx: NetworkContext, o: OpOptions = {}): Promise<RepairReport> {
  const actions: string[] = [];
  for (let record of await ctx.store.list()) {
    if (record.state === 'removing') {
      for (const ep of record.endpoints) await deleteVeth(ep.hostInterface, o);
      await removeLink(record.bridge, o);
      await ctx.store.remove(record.name);
      actions.push(`network:${record.name} removal completed`);
      continue;
    }
    if (record.state === 'creating' || !(await linkExists(record.bridge))) {
      await ensureBridge(bridgeConfigOf(record), o);
      // Ports whose bridge was deleted under them were detached by the kernel: plug them back.
      for (const ep of record.endpoints) {
        if (ep.state === 'ready' && (await linkExists(ep.hostInterface))) {
          await attachToBridge(ep.hostInterface, record.bridge, o);
        }
      }
      actions.push(
        `network:${record.name} ${record.state === 'creating' ? 'create completed' : 'bridge recreated'}`,
      );
      record = { ...record, state: 'ready' };
      await ctx.store.write(record);
    }
    const pending = record.endpoints.filter((ep) => ep.state !== 'ready');
    if (pending.length > 0) {
      for (const ep of pending) {
        await deleteVeth(ep.hostInterface, o);
        actions.push(
          `endpoint:${ep.containerId}@${record.name} ${ep.state === 'attaching' ? 'rolled back' : 'detach completed'}`,
        );
      }
      await ctx.store.write({ ...record, endpoints: record.endpoints.filter((ep) => ep.state === 'ready') });
    }
  }
  if (actions.length > 0) ctx.logger.debug('repaired', { actions });
  return { actions };
}
