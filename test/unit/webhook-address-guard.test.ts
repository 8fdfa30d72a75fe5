import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { callbackUrlProblem, guardedLookup, isPrivateAddress } from '../../shared/webhook-address-guard.js';

/** Every range the guard refuses: its first and last address, and one inside. */
const REFUSED_IPV4 = {
  '0.0.0.0/8 (this network)': ['0.0.0.0', '0.1.2.3', '0.255.255.255'],
  '10.0.0.0/8 (private)': ['10.0.0.0', '10.20.30.40', '10.255.255.255'],
  '100.64.0.0/10 (CGNAT)': ['100.64.0.0', '100.100.100.200', '100.127.255.255'],
  '127.0.0.0/8 (loopback)': ['127.0.0.0', '127.0.0.1', '127.255.255.255'],
  '169.254.0.0/16 (link-local, cloud metadata)': ['169.254.0.0', '169.254.169.254', '169.254.255.255'],
  '172.16.0.0/12 (private)': ['172.16.0.0', '172.20.1.1', '172.31.255.255'],
  '192.0.0.0/24 (IETF protocol assignments)': ['192.0.0.0', '192.0.0.170', '192.0.0.255'],
  '192.168.0.0/16 (private)': ['192.168.0.0', '192.168.1.1', '192.168.255.255'],
  '198.18.0.0/15 (benchmarking)': ['198.18.0.0', '198.19.0.1', '198.19.255.255'],
  '224.0.0.0/4 (multicast)': ['224.0.0.0', '239.255.255.250', '239.255.255.255'],
  '240.0.0.0/4 (reserved, broadcast)': ['240.0.0.0', '250.1.2.3', '255.255.255.255'],
};

const REFUSED_IPV6 = {
  ':: (unspecified)': ['::'],
  '::1 (loopback)': ['::1', '0:0:0:0:0:0:0:1'],
  'fc00::/7 (unique local)': ['fc00::', 'fd12:3456:789a::1', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  'fe80::/10 (link-local)': ['fe80::', 'fe80::1', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  'ff00::/8 (multicast)': ['ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
};

/** Just outside the refused ranges, and well-known public addresses. */
const ALLOWED = [
  '1.1.1.1',
  '8.8.8.8',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2001:4860:4860::8888',
  '2606:4700:4700::1111',
  'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  '::ffff:8.8.8.8',
];

describe('isPrivateAddress', () => {
  for (const [range, addresses] of Object.entries({ ...REFUSED_IPV4, ...REFUSED_IPV6 })) {
    it(`refuses ${range}`, () => {
      expect(addresses.map((a) => [a, isPrivateAddress(a)])).toEqual(addresses.map((a) => [a, true]));
    });
  }

  it('judges an IPv4-mapped IPv6 address as its IPv4 address, in either spelling', () => {
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('::FFFF:169.254.169.254')).toBe(true);
    expect(isPrivateAddress('::ffff:7f00:1')).toBe(true);
    expect(isPrivateAddress('::ffff:8.8.8.8')).toBe(false);
  });

  it('refuses what is not an IP address', () => {
    expect(isPrivateAddress('')).toBe(true);
    expect(isPrivateAddress('localhost')).toBe(true);
    expect(isPrivateAddress('256.1.1.1')).toBe(true);
    expect(isPrivateAddress('[::1]')).toBe(true);
  });

  it('allows public addresses, including those next to a refused range', () => {
    expect(ALLOWED.map((a) => [a, isPrivateAddress(a)])).toEqual(ALLOWED.map((a) => [a, false]));
  });
});

describe('callbackUrlProblem (at submission)', () => {
  const PRIVATE = 'it resolves to a loopback, private or link-local address';

  it('refuses IP literals in refused ranges, IPv6 in brackets too', async () => {
    expect(await callbackUrlProblem('http://127.0.0.1:8080/hook', false)).toBe(PRIVATE);
    expect(await callbackUrlProblem('http://169.254.169.254/latest/meta-data', false)).toBe(PRIVATE);
    expect(await callbackUrlProblem('https://[::1]:8443/hook', false)).toBe(PRIVATE);
    expect(await callbackUrlProblem('https://[fd00::5]/hook', false)).toBe(PRIVATE);
  });

  it('refuses a host name that resolves to loopback (localhost, from the hosts file)', async () => {
    expect(await callbackUrlProblem('http://localhost:3000/hook', false)).toBe(PRIVATE);
  });

  it('allows public IP literals', async () => {
    expect(await callbackUrlProblem('https://8.8.8.8/hook', false)).toBeUndefined();
    expect(await callbackUrlProblem('https://[2001:4860:4860::8888]/hook', false)).toBeUndefined();
  });

  it('allows anything with WEBHOOK_ALLOW_PRIVATE', async () => {
    expect(await callbackUrlProblem('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(await callbackUrlProblem('http://localhost/hook', true)).toBeUndefined();
  });
});

describe('guardedLookup (at connect time)', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>(
      (resolve) => guardedLookup(host, { all }, (err, address, family) => resolve({ err, address, family })),
    );

  it('fails a name that resolves to a private address with EPRIVATEADDRESS', async () => {
    const { err, address } = await lookup('localhost', false);
    expect(err?.code).toBe('EPRIVATEADDRESS');
    expect(err?.message).toBe('localhost resolves to a private address');
    expect(address).toEqual([]);
  });

  it('fails a private IP literal', async () => {
    expect((await lookup('10.1.2.3', false)).err?.code).toBe('EPRIVATEADDRESS');
  });

  it('passes a public address on, in the shape the caller asked for', async () => {
    expect(await lookup('8.8.8.8', false)).toEqual({ err: null, address: '8.8.8.8', family: 4 });
    expect(await lookup('8.8.8.8', true)).toEqual({
      err: null,
      address: [{ address: '8.8.8.8', family: 4 }],
      family: undefined,
    });
  });
});
