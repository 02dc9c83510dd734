import { EngineError } from '../errors.js';

/**
 * MAC addresses derived from the IPv4 address (`02:74:` + its four bytes), the scheme Docker used
 * for years: the same address always has the same MAC, so when a container is recreated and
 * its address is handed out again, the neighbours' ARP caches are still right. `02` marks a
 * locally administered unicast address; `74` ("t") keeps ours apart from Docker's `02:42`.
 */
export function macForAddress(address: number): string {
  const bytes = [0x02, 0x74, address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A user's `mac_address`, normalized to lowercase; unicast only. */
export function parseMacAddress(text: string): string {
  if (!MAC.test(text)) {
    throw new EngineError(
      'NETWORK_MAC_INVALID',
      `mac_address "${text}": expected six hex bytes such as 02:42:ac:11:00:02`,
    );
  }
  const mac = text.toLowerCase();
  if (parseInt(mac.slice(0, 2), 16) & 1) {
    throw new EngineError(
      'NETWORK_MAC_INVALID',
      `mac_address "${text}": a multicast address cannot name an interface`,
    );
  }
  return mac;
}
