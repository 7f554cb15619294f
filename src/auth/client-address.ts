/** "::ffff:10.0.0.1" and "10.0.0.1" are the same IPv4 client. */
function normalise(address: string): string {
  const a = address.trim();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * The client's address. X-Forwarded-For is believed only when the connection comes from a trusted
 * proxy, and then read from the right: the first address that is not itself a trusted proxy is the
 * client (anything further left was written by the client and may be forged).
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | undefined, trustedProxies: readonly string[]): string {
  const peer = remote ? normalise(remote) : 'unknown';
  const trusted = new Set(trustedProxies.map(normalise));
  if (!forwardedFor || !trusted.has(peer)) return peer;
  const hops = forwardedFor.split(',').map(normalise).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted.has(hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? peer;
}
