import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runHostCommand } from './host-command.js';
import { renderFirewallTable, type FirewallState } from './firewall-rules.js';
import type { OpOptions } from './types.js';

/**
 * The engine root's nftables table on the host. Every change writes the whole table, rendered
 * from the network records, as one `nft -f -` transaction: `add table` (so the next line cannot
 * fail on a missing table), `delete table`, then the table with all its chains. The kernel swaps
 * old for new atomically — no packet sees a half-built table — and whatever an interrupted
 * command left behind is replaced by what the records say. A network's or container's rules are
 * its own chains and the jumps to them (see firewall-rules.ts), so the new table differs from
 * the old by exactly those. Other tables (Docker's, Podman's, another engine root's) are never
 * named, so they are never touched.
 *
 * With no network left the table is deleted: the host is back to where it was (and the stamp
 * says so, so container commands without networks run no `nft` at all).
 *
 * Most changes (connecting a container without ports) leave the table as it is; `stampPath`
 * remembers what was applied last (a hash, with the boot id: a reboot empties the kernel's
 * tables) so those skip the `nft` run. Every process applying under the engine lock writes it,
 * so it is the host's state, not one process's. `force` (repair) applies regardless, for a table
 * someone deleted behind the engine's back.
 */
export class Firewall {
  constructor(
    readonly table: string,
    private readonly stampPath: string,
  ) {}

  async apply(state: FirewallState, o: OpOptions & { readonly force?: boolean } = {}): Promise<void> {
    if (state.networks.length === 0) {
      await this.remove(o);
      return;
    }
    const script = [
      `add table inet ${this.table}`,
      `delete table inet ${this.table}`,
      renderFirewallTable(this.table, state),
    ].join('\n');
    await this.applyOnce(script, createHash('sha256').update(script).digest('hex'), o);
  }

  /** Deletes the table (skipped when the stamp says it is already gone, unless `force`). */
  async remove(o: OpOptions & { readonly force?: boolean } = {}): Promise<void> {
    await this.applyOnce(`add table inet ${this.table}\ndelete table inet ${this.table}\n`, 'absent', o);
  }

  /**
   * Runs `script` unless the stamp says `what` is what the kernel has. The stamp goes before the
   * run and comes back after it: a command killed in between leaves no stamp, so the next one
   * applies again.
   */
  private async applyOnce(
    script: string,
    what: string,
    o: OpOptions & { readonly force?: boolean },
  ): Promise<void> {
    const stamp = `${await bootId()} ${what}\n`;
    if (!o.force && (await readFile(this.stampPath, 'utf8').catch(() => '')) === stamp) return;
    await rm(this.stampPath, { force: true });
    await runHostCommand(['nft', '-f', '-'], { ...o, input: script });
    await mkdir(dirname(this.stampPath), { recursive: true, mode: 0o700 });
    await writeFile(this.stampPath, stamp, { mode: 0o600 });
  }

  /** The table as the kernel has it (`nft list table`), or undefined when it does not exist. */
  async dump(o: OpOptions = {}): Promise<string | undefined> {
    const r = await runHostCommand(['nft', 'list', 'table', 'inet', this.table], {
      ...o,
      allowFailure: true,
    });
    return r.code === 0 ? r.stdout : undefined;
  }
}

async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
}
