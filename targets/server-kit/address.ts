/**
 * Node addresses as the bundled servers and their clients write them:
 * `host:port`, or a bare `host` where a default port applies. One helper for
 * both sides (node: built-ins only, it is shipped into the nodes).
 */

/**
 * 'h:p' → [h, p]; 'h' → [h, defaultPort] when a default is given, an error
 * otherwise. A bracketed IPv6 literal keeps its brackets ('[::1]:7001' →
 * ['[::1]', 7001]); a bare one ('::1') is a host without a port.
 */
export function splitAddress(address: string, defaultPort?: number): [string, number] {
  const at = address.lastIndexOf(':')
  const bareIpv6 = !address.startsWith('[') && address.indexOf(':') !== at
  if (at < 0 || bareIpv6 || address.endsWith(']')) {
    if (defaultPort === undefined || address === '') throw new Error(`address '${address}' needs host:port`)
    return [address, defaultPort]
  }
  if (at === 0) throw new Error(`address '${address}' needs host:port`)
  const port = Number(address.slice(at + 1))
  if (!/^\d+$/.test(address.slice(at + 1)) || port <= 0 || port > 65535) throw new Error(`address '${address}' has a bad port`)
  return [address.slice(0, at), port]
}
