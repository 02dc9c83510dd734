export type {
  EndpointInfo,
  EndpointSpec,
  EndpointState,
  NetworkInfo,
  NetworkSpec,
  NetworkState,
  OpOptions,
  PortBindingSpec,
  PortProtocol,
  PublishedPort,
} from './types.js';
export { NetworkManager, type NetworkManagerDeps } from './network-manager.js';
export type { RepairReport } from './network-repair.js';
export { DEFAULT_POOLS, type AddressPool } from './ipam.js';
export { hostNamesFor, type HostNames } from './host-names.js';
export { renderFirewallTable, type FirewallState } from './firewall-rules.js';
export { parseResolvConf, renderContainerResolvConf, type ResolvConf } from './resolv-conf.js';
