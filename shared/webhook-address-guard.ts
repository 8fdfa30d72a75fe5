/**
 * SSRF guard for batch webhooks: a callback URL must not reach loopback, private, link-local
 * (cloud metadata at 169.254.169.254), CGNAT, multicast or reserved addresses, unless
 * WEBHOOK_ALLOW_PRIVATE=true. Checked twice: when a batch is submitted (a clear 400), and when
 * the webhook is sent, through the socket's own DNS lookup, so a name that resolves differently
 * later (DNS rebinding) is still refused. Both checks, and every DNS answer, go through the one
 * classifier, isPrivateAddress.
 *
 * IPv6 forms that carry an IPv4 address reach that IPv4 host (the kernel, a translator or a relay
 * does the mapping), so they are judged as the IPv4 address they carry: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`) and
 * 6to4 (`2002:AABB:CCDD::/48`, the IPv4 in bits 16–47). NAT64 prefixes are refused whole: the
 * translator is a gateway of the local network and may reach anything behind it, and the
 * local-use prefix (`64:ff9b:1::/48`) places the IPv4 at a length only the network knows.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blockedIpv4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blockedIpv4.addSubnet(net, bits, 'ipv4');
}

/** IPv6 ranges refused whatever they carry. */
const blockedIpv6 = new BlockList();
for (const [net, bits] of [
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64, well-known prefix (RFC 6052)
  ['64:ff9b:1::', 48], // NAT64, local-use prefix (RFC 8215)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8], // multicast
] as const) {
  blockedIpv6.addSubnet(net, bits, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 included), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not an address
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, translated, 6to4), if any. */
function embeddedIpv4(g: number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return ipv4Of(g[6]!, g[7]!); // ::ffff:a.b.c.d (mapped)
  if (zeros(0, 6)) return ipv4Of(g[6]!, g[7]!); // ::a.b.c.d (compatible; :: and ::1 included)
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4Of(g[6]!, g[7]!); // ::ffff:0:a.b.c.d
  if (g[0] === 0x2002) return ipv4Of(g[1]!, g[2]!); // 6to4
  return undefined;
}

/**
 * True for an address a webhook must not reach; anything that is not an IP address is refused.
 * IPv6 forms that carry an IPv4 address are judged as that address (see the header).
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockedIpv4.check(address, 'ipv4');
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const ipv4 = embeddedIpv4(groups);
  if (ipv4 !== undefined) return blockedIpv4.check(ipv4, 'ipv4');
  const canonical = groups.map((g) => g.toString(16)).join(':');
  return blockedIpv6.check(canonical, 'ipv6');
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Why `callbackUrl` may not be used, or undefined when it may. Resolves the host name once; every
 * address it resolves to must be public.
 */
export async function callbackUrlProblem(
  callbackUrl: string,
  allowPrivate: boolean,
): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  const host = hostOf(new URL(callbackUrl));
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return 'its host name does not resolve';
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    return 'it resolves to a loopback, private or link-local address';
  }
  return undefined;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that refuses private addresses (the guard at connect time). */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private address`);
      refused.code = 'EPRIVATEADDRESS';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
