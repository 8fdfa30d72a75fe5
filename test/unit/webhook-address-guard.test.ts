import dns, { type LookupAddress } from 'node:dns';
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
  'fec0::/10 (site-local)': ['fec0::', 'fec0::1', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  '64:ff9b::/96 (NAT64, well-known prefix)': ['64:ff9b::', '64:ff9b::808:808', '64:ff9b::ffff:ffff'],
  '64:ff9b:1::/48 (NAT64, local-use prefix)': [
    '64:ff9b:1::',
    '64:ff9b:1:a00:1::',
    '64:ff9b:1:ffff:ffff:ffff:ffff:ffff',
  ],
};

/** One address in each refused IPv4 range, carried by each IPv6 form that reaches it. */
const REFUSED_IPV4_SAMPLES = [
  '0.1.2.3',
  '10.20.30.40',
  '100.100.100.200',
  '127.0.0.1',
  '169.254.169.254',
  '172.20.1.1',
  '192.0.0.170',
  '192.168.1.1',
  '198.19.0.1',
  '239.255.255.250',
  '255.255.255.255',
];
const hex = (ipv4: string) => {
  const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
};
const EMBEDDING_FORMS: Record<string, (ipv4: string) => string> = {
  'IPv4-mapped, dotted (::ffff:a.b.c.d)': (v4) => `::ffff:${v4}`,
  'IPv4-mapped, hex (::ffff:7f00:1)': (v4) => `::ffff:${hex(v4).join(':')}`,
  'IPv4-mapped, written out (0:0:0:0:0:ffff:…)': (v4) => `0:0:0:0:0:ffff:${hex(v4).join(':')}`,
  'IPv4-compatible, dotted (::a.b.c.d)': (v4) => `::${v4}`,
  'IPv4-compatible, hex (::7f00:1)': (v4) => `::${hex(v4).join(':')}`,
  'IPv4-translated (::ffff:0:a.b.c.d)': (v4) => `::ffff:0:${v4}`,
  '6to4 (2002:AABB:CCDD::/48)': (v4) => `2002:${hex(v4).join(':')}::1`,
  '6to4, written out': (v4) => `2002:${hex(v4).join(':')}:0:0:0:0:0`,
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
  // Next to the ranges this guard added: site-local, NAT64 and public IPv4 in the embedding forms.
  'fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // just below fe80::/10
  '64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff', // just below 64:ff9b::/96
  '64:ff9b::1:0:0', // just above 64:ff9b::/96
  '64:ff9b:0:ffff:ffff:ffff:ffff:ffff', // between the two NAT64 prefixes
  '64:ff9b:2::', // just above 64:ff9b:1::/48
  '::8.8.8.8', // IPv4-compatible form of a public address
  '::ffff:0:8.8.8.8', // IPv4-translated form of a public address
  '2002:808:808::1', // 6to4 of 8.8.8.8
  '2002:a9ff::1', // 6to4 of 169.255.0.0, just above 169.254.0.0/16
  '2002:ac20::', // 6to4 of 172.32.0.0, just above 172.16.0.0/12
  '2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // just below 2002::/16
  '2003::', // just above 2002::/16
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

  for (const [form, write] of Object.entries(EMBEDDING_FORMS)) {
    it(`refuses the ${form} form of every refused IPv4 range, and allows it for a public address`, () => {
      const written = REFUSED_IPV4_SAMPLES.map(write);
      expect(written.map((a) => [a, isPrivateAddress(a)])).toEqual(written.map((a) => [a, true]));
      for (const publicV4 of ['8.8.8.8', '1.1.1.1', '172.32.0.0']) {
        expect([write(publicV4), isPrivateAddress(write(publicV4))]).toEqual([write(publicV4), false]);
      }
    });
  }

  it('refuses [::7f00:1], the IPv4-compatible form of 127.0.0.1, as a callback host too', async () => {
    expect(isPrivateAddress('::7f00:1')).toBe(true);
    expect(await callbackUrlProblem('http://[::7f00:1]:8080/hook', false)).toBe(
      'it resolves to a loopback, private or link-local address',
    );
  });

  it('ignores a zone id, judging the address itself', () => {
    expect(isPrivateAddress('fe80::1%eth0')).toBe(true);
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

describe('DNS answers in the embedding forms and the new ranges', () => {
  const PRIVATE = 'it resolves to a loopback, private or link-local address';
  const ANSWERS: Record<string, string> = {
    'mapped.example': '::ffff:169.254.169.254',
    'compatible.example': '::7f00:1',
    'translated.example': '::ffff:0:10.0.0.1',
    'sixtofour.example': '2002:c0a8:101::1',
    'nat64.example': '64:ff9b::a9fe:a9fe',
    'nat64-local.example': '64:ff9b:1::a00:1',
    'sitelocal.example': 'fec0::1',
  };
  const PUBLIC: Record<string, string> = { 'public.example': '2002:808:808::1' };

  /** Runs `body` with the resolver answering from ANSWERS and PUBLIC (a public record comes first). */
  async function withAnswers(body: () => Promise<void>): Promise<void> {
    const answer = (host: string): LookupAddress[] => {
      const address = ANSWERS[host] ?? PUBLIC[host];
      return address
        ? [
            { address: '2606:4700:4700::1111', family: 6 },
            { address, family: 6 },
          ]
        : [];
    };
    const lookup = dns.lookup;
    const promisesLookup = dns.promises.lookup;
    const fake = (host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
      callback(null, answer(host));
    Object.assign(dns, { lookup: fake });
    Object.assign(dns.promises, { lookup: async (host: string) => answer(host) });
    try {
      await body();
    } finally {
      Object.assign(dns, { lookup });
      Object.assign(dns.promises, { lookup: promisesLookup });
    }
  }

  it('refuses every such answer at submission and at connect time, and passes a public one', async () => {
    await withAnswers(async () => {
      for (const host of Object.keys(ANSWERS)) {
        expect([host, await callbackUrlProblem(`https://${host}/hook`, false)]).toEqual([host, PRIVATE]);
        const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
          guardedLookup(host, { all: false }, (e) => resolve(e)),
        );
        expect([host, err?.code]).toEqual([host, 'EPRIVATEADDRESS']);
      }
      expect(await callbackUrlProblem('https://public.example/hook', false)).toBeUndefined();
      const passed = await new Promise<unknown[]>((resolve) =>
        guardedLookup('public.example', { all: false }, (e, address, family) =>
          resolve([e, address, family]),
        ),
      );
      expect(passed).toEqual([null, '2606:4700:4700::1111', 6]);
    });
  });
});
