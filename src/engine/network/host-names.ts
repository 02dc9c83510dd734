import { createHash } from 'node:crypto';

/**
 * Names of the host objects one engine root owns. Every name starts with `tsc` (so
 * `../shared/tools/host-leaks` finds leftovers) and carries a tag derived from the root's real
 * path, so two engines with different roots never touch each other's objects:
 *
 * - bridge     `tsc<tag4>b<network id 7>`   (15 chars: IFNAMSIZ - 1)
 * - host veth  `tsc<tag4>v<hash 7>`         (hash of container id + network id)
 * - netns      `tsc<tag4>-<container id>`   (a file in /run/netns, no length limit below NAME_MAX)
 * - nft table  `inet tscompose_<tag12>`     (longer tag: a clash would merge two roots' rules)
 */
export interface HostNames {
  /** Four hex digits; also the prefix tests use to look for leftovers. */
  readonly rootTag: string;
  /** `tsc<tag4>`: every link and netns of this root starts with it. */
  readonly linkPrefix: string;
  readonly table: string;
  bridge(networkId: string): string;
  hostVeth(containerId: string, networkId: string): string;
  netns(containerId: string): string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `rootRealPath`: the engine root after realpath (two spellings of one root share one tag). */
export function hostNamesFor(rootRealPath: string): HostNames {
  const digest = sha256Hex(rootRealPath);
  const rootTag = digest.slice(0, 4);
  const linkPrefix = `tsc${rootTag}`;
  return {
    rootTag,
    linkPrefix,
    table: `tscompose_${digest.slice(0, 12)}`,
    bridge: (networkId) => `${linkPrefix}b${networkId.slice(0, 7)}`,
    hostVeth: (containerId, networkId) =>
      `${linkPrefix}v${sha256Hex(`${containerId}\0${networkId}`).slice(0, 7)}`,
    netns: (containerId) => `${linkPrefix}-${containerId}`,
  };
}
