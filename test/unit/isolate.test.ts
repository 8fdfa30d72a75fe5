import { describe, expect, it } from 'vitest';
import { sendIsolating, splitPoint, type Isolation } from '../../shared/provider-request/isolate.js';
import { PROBE_TEXT, translateIsolating } from '../../worker/provider/translate-isolating.js';
import { FakeTranslator, providerError, REFUSED_TARGET, REFUSED_TEXT } from './fake-translator.js';

const texts = (n: number, bad: number[] = []) =>
  Array.from({ length: n }, (_, i) => (bad.includes(i) ? REFUSED_TEXT : `t${i}`));

describe('translateIsolating (every text its own unit)', () => {
  it('one bad text among n: one probe, then a bisection down to it', async () => {
    const fake = new FakeTranslator();
    const outcomes = await translateIsolating(fake, { texts: texts(8, [5]), target: 'de', format: 'text' });
    outcomes.forEach((o, i) => {
      if (i === 5) {
        expect(o).toEqual({
          ok: false,
          failure: {
            kind: 'permanent',
            code: 'unsupported_language',
            message: 'The provider does not support this language pair.',
            status: 400,
          },
        });
      } else {
        expect(o).toEqual({ ok: true, translation: { text: `[de] t${i}` } });
      }
    });
    // The request, one probe, then two halves per level of log2(8) = 3 levels.
    expect(fake.requests.filter((r) => r.texts[0] === PROBE_TEXT && r.texts.length === 1)).toHaveLength(1);
    expect(fake.sizes).toEqual([8, 1, 4, 4, 2, 2, 1, 1]);
  });

  it('a refused language pair fails every text after one probe, without bisecting', async () => {
    const fake = new FakeTranslator();
    const outcomes = await translateIsolating(fake, {
      texts: texts(16),
      target: REFUSED_TARGET,
      format: 'text',
    });
    expect(outcomes.every((o) => !o.ok && o.failure.code === 'unsupported_language')).toBe(true);
    expect(fake.sizes).toEqual([16, 1]);
  });

  it('throws a failure that is not about the texts (transient, quota): the job retries as a whole', async () => {
    const fake = new FakeTranslator();
    fake.failures.push(providerError(503, 'Service Unavailable'));
    await expect(
      translateIsolating(fake, { texts: texts(4), target: 'de', format: 'text' }),
    ).rejects.toMatchObject({
      code: 503,
    });
    fake.failures.push(providerError(429, 'Too Many Requests'));
    await expect(
      translateIsolating(fake, { texts: texts(4), target: 'de', format: 'text' }),
    ).rejects.toMatchObject({
      code: 429,
    });
    expect(fake.sizes).toEqual([4, 4]);
  });

  it('throws when the probe itself fails transiently', async () => {
    const fake = new FakeTranslator();
    fake.failures.push(providerError(400, 'Invalid Value'), providerError(500, 'Backend Error'));
    await expect(
      translateIsolating(fake, { texts: texts(4), target: 'de', format: 'text' }),
    ).rejects.toMatchObject({
      code: 500,
    });
    expect(fake.sizes).toEqual([4, 1]);
  });

  it('fails every text without a probe on a permanent refusal that is not a 400 (bad credentials)', async () => {
    const fake = new FakeTranslator();
    fake.failures.push(providerError(403, 'Forbidden'));
    const outcomes = await translateIsolating(fake, { texts: texts(4), target: 'de', format: 'text' });
    expect(outcomes.every((o) => !o.ok && o.failure.code === 'provider_auth')).toBe(true);
    expect(fake.sizes).toEqual([4]);
  });

  it('sends one request per text when not together (PROVIDER_BATCHING=false): no probe', async () => {
    const fake = new FakeTranslator();
    const outcomes = await translateIsolating(
      fake,
      { texts: texts(3, [1]), target: 'de', format: 'text' },
      false,
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(fake.sizes).toEqual([1, 1, 1]);
  });
});

describe('sendIsolating with unit boundaries (whole callers)', () => {
  /** Items of callers: `callers[k]` texts for caller k. Returns what each item got, and the requests. */
  async function isolate(callerTexts: string[][], fake = new FakeTranslator()) {
    const items = callerTexts.flatMap((ts, caller) => ts.map((text) => ({ caller, text })));
    const got: string[] = new Array<string>(items.length);
    let probes = 0;
    const isolation: Isolation<{ text: string }> = {
      send: (start, end) =>
        fake.translate({ texts: items.slice(start, end).map((i) => i.text), target: 'de', format: 'text' }),
      succeed: (start, end, results) => {
        for (let i = start; i < end; i++) got[i] = results[i - start]!.text;
      },
      fail: (start, end) => {
        for (let i = start; i < end; i++) got[i] = 'failed';
      },
      isRefusal: (err) => (err as { code?: number }).code === 400,
      checkLanguagePair: () => {
        probes += 1;
        return fake.translate({ texts: [PROBE_TEXT], target: 'de', format: 'text' });
      },
      isBoundary: (i) => items[i]!.caller !== items[i - 1]!.caller,
    };
    await sendIsolating(isolation, 0, items.length);
    return { got, probes, sizes: fake.sizes };
  }

  it('splits only between callers: a caller of several texts fails as a whole', async () => {
    const { got, probes, sizes } = await isolate([['c1', REFUSED_TEXT, 'c3'], ['single']]);
    expect(got).toEqual(['failed', 'failed', 'failed', '[de] single']);
    expect(probes).toBe(1);
    expect(sizes).toEqual([4, 1, 3, 1]);
  });

  it('fails a request of one caller without probing', async () => {
    const { got, probes, sizes } = await isolate([['a', REFUSED_TEXT]]);
    expect(got).toEqual(['failed', 'failed']);
    expect(probes).toBe(0);
    expect(sizes).toEqual([2]);
  });

  it('cuts at the caller boundary nearest the middle', () => {
    const callers = [0, 0, 0, 0, 0, 1, 2, 2];
    const isBoundary = (i: number) => callers[i] !== callers[i - 1];
    expect(splitPoint({ isBoundary }, 0, 8)).toBe(5);
    expect(splitPoint({ isBoundary }, 0, 5)).toBe(0); // one caller: no cut
    expect(splitPoint({}, 0, 8)).toBe(4);
    expect(splitPoint({}, 3, 4)).toBe(3);
  });
});
