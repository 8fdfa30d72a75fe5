import { describe, expect, it } from 'vitest';
import { EventBus } from '../../shared/events.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { CheckedTranslator, type CheckedRequest } from '../../worker/protection/checked-translation.js';
import { CompiledGlossaries } from '../../worker/protection/compiled-glossaries.js';
import type {
  ProviderRequest,
  ProviderTranslation,
  Translator,
} from '../../worker/provider/google-translator.js';
import { FakeTranslator } from './fake-translator.js';

/** A provider that drops every protected span of its first `drops` answers (then behaves). */
class DroppingTranslator implements Translator {
  readonly requests: ProviderRequest[] = [];
  constructor(private drops: number) {}
  async translate(request: ProviderRequest): Promise<ProviderTranslation[]> {
    this.requests.push(request);
    const drop = this.drops > 0;
    if (drop) this.drops -= 1;
    return request.texts.map((text) => ({
      text: `[${request.target}] ${drop ? text.replace(/<span translate="no"[^>]*>[^<]*<\/span>/g, '') : text}`,
    }));
  }
}

function recordEvents() {
  const events = new EventBus();
  const seen: unknown[] = [];
  events.on('protection:checked', (e) => seen.push(['checked', e]));
  events.on('protection:issue', (e) => seen.push(['issue', e]));
  return { events, seen };
}

/** Code points of every text a provider was sent: what it bills. */
const sentChars = (provider: { requests: ProviderRequest[] }) =>
  provider.requests.reduce((sum, r) => sum + r.texts.reduce((n, t) => n + countChars(t), 0), 0);

const request = (texts: string[], more: Partial<CheckedRequest> = {}): CheckedRequest => ({
  texts,
  target: 'fr',
  source: 'en',
  format: 'text',
  ...more,
});

describe('CheckedTranslator', () => {
  it('sends an unchecked request as it is: one provider request, its own format, no qa; bills the text', async () => {
    const provider = new FakeTranslator();
    const outcomes = await new CheckedTranslator().translate(
      provider,
      request(['a {x}', 'b'], { format: 'html' }),
    );
    expect(provider.requests).toEqual([
      { texts: ['a {x}', 'b'], target: 'fr', source: 'en', format: 'html' },
    ]);
    expect(outcomes).toEqual([
      { ok: true, translation: { text: '[fr] a {x}' }, billed: 5 },
      { ok: true, translation: { text: '[fr] b' }, billed: 1 },
    ]);
  });

  it('sends protected texts as html and the rest in their own format, then restores each with qa ok; bills what was sent', async () => {
    const provider = new FakeTranslator();
    const { events, seen } = recordEvents();
    const outcomes = await new CheckedTranslator({ events }).translate(
      provider,
      request(['Hi {name}', 'plain'], { placeholders: ['braces'] }),
    );
    expect(provider.requests.map((r) => [r.format, r.texts.length])).toEqual([
      ['html', 1],
      ['text', 1],
    ]);
    expect(outcomes).toEqual([
      {
        ok: true,
        translation: { text: '[fr] Hi {name}', qa: { ok: true } },
        billed: countChars(provider.requests[0]!.texts[0]!),
      },
      { ok: true, translation: { text: '[fr] plain', qa: { ok: true } }, billed: 5 },
    ]);
    // The protected text is billed as sent (html with a translate="no" span), not as written.
    expect(outcomes[0]!.billed).toBeGreaterThan(countChars('Hi {name}'));
    expect(seen).toEqual([
      ['checked', { format: 'text', outcome: 'ok' }],
      ['checked', { format: 'text', outcome: 'ok' }],
    ]);
  });

  it('retries a failed check once with the strict method (numbered tokens); both attempts are billed', async () => {
    const provider = new DroppingTranslator(1);
    const { events, seen } = recordEvents();
    const outcomes = await new CheckedTranslator({ events }).translate(
      provider,
      request(['Hi {name}'], { placeholders: ['braces'] }),
    );
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[1]!.texts[0]).toContain('>PH0</span>');
    expect(outcomes).toEqual([
      { ok: true, translation: { text: '[fr] Hi {name}', qa: { ok: true } }, billed: sentChars(provider) },
    ]);
    expect(seen).toEqual([
      ['issue', { kind: 'placeholder_missing', attempt: 1 }],
      ['checked', { format: 'text', outcome: 'retried' }],
    ]);
  });

  it('fails twice: unsafe_output with details, or with on_unsafe return the text and its issues', async () => {
    const dropping = new DroppingTranslator(2);
    const failing = await new CheckedTranslator().translate(
      dropping,
      request(['Hi {name}'], { placeholders: ['braces'] }),
    );
    expect(failing).toEqual([
      {
        ok: false,
        failure: {
          kind: 'permanent',
          code: 'unsafe_output',
          message: 'The translation failed its checks (placeholder_missing), also when retried.',
          details: [{ kind: 'placeholder_missing', message: '"{name}" is missing' }],
        },
        billed: sentChars(dropping),
      },
    ]);
    expect(dropping.requests).toHaveLength(2);
    const droppingAgain = new DroppingTranslator(2);
    const returned = await new CheckedTranslator().translate(
      droppingAgain,
      request(['Hi {name}'], { placeholders: ['braces'], on_unsafe: 'return' }),
    );
    expect(returned).toEqual([
      {
        ok: true,
        translation: {
          text: '[fr] Hi ',
          qa: { ok: false, issues: [{ kind: 'placeholder_missing', message: '"{name}" is missing' }] },
        },
        billed: sentChars(droppingAgain),
      },
    ]);
  });

  it('an ICU message with no prose needs no provider call', async () => {
    const provider = new FakeTranslator();
    const outcomes = await new CheckedTranslator().translate(
      provider,
      request(['{n, plural, other {#}}'], { format: 'icu' }),
    );
    expect(provider.requests).toEqual([]);
    expect(outcomes).toEqual([
      { ok: true, translation: { text: '{n, plural, other {#}}', qa: { ok: true } }, billed: 0 },
    ]);
  });

  it('a glossary is loaded once per version and applied; a glossary gone fails the items with not_found', async () => {
    let loads = 0;
    const stored = { version: 'v1', case_sensitive: false, entries: [{ source: 'bucket', target: 'seau' }] };
    const glossaries = new CompiledGlossaries({
      version: () => Promise.resolve('v1'),
      get: (_owner, name) => {
        loads += 1;
        return Promise.resolve(name === 'terms' ? stored : null);
      },
    });
    const checked = new CheckedTranslator({ glossaries });
    const ref = { owner: 'acme', name: 'terms', version: 'v1' };
    for (let i = 0; i < 2; i++) {
      const provider = new FakeTranslator();
      expect(await checked.translate(provider, request(['A Bucket'], { glossary: ref }))).toEqual([
        { ok: true, translation: { text: '[fr] A seau', qa: { ok: true } }, billed: sentChars(provider) },
      ]);
    }
    expect(loads).toBe(1);
    const gone = await checked.translate(
      new FakeTranslator(),
      request(['x'], { glossary: { ...ref, name: 'old' } }),
    );
    expect(gone).toEqual([
      {
        ok: false,
        failure: {
          kind: 'permanent',
          code: 'not_found',
          message: 'The glossary named by the request no longer exists.',
        },
        billed: 0,
      },
    ]);
  });

  it('a glossary edited after the job was accepted: the held version is used, else glossary_changed', async () => {
    let stored = { version: 'v1', case_sensitive: false, entries: [{ source: 'bucket', target: 'seau' }] };
    let loads = 0;
    const reader = {
      version: () => Promise.resolve(stored.version),
      get: () => {
        loads += 1;
        return Promise.resolve(stored);
      },
    };
    const v1 = { owner: 'acme', name: 'terms', version: 'v1' };
    const v2 = { ...v1, version: 'v2' };
    const translate = (checked: CheckedTranslator, ref: typeof v1) =>
      checked.translate(new FakeTranslator(), request(['A bucket'], { glossary: ref }));
    const holding = new CheckedTranslator({ glossaries: new CompiledGlossaries(reader) });
    expect((await translate(holding, v1))[0]).toMatchObject({
      ok: true,
      translation: { text: '[fr] A seau' },
    });
    stored = { version: 'v2', case_sensitive: false, entries: [{ source: 'bucket', target: 'baquet' }] };
    // This process still holds v1: the job's version, exactly what its cache key names.
    expect((await translate(holding, v1))[0]).toMatchObject({
      ok: true,
      translation: { text: '[fr] A seau' },
    });
    expect((await translate(holding, v2))[0]).toMatchObject({
      ok: true,
      translation: { text: '[fr] A baquet' },
    });
    expect(loads).toBe(2);

    // A process that never held v1: the store has only v2, so v1's texts fail (and v2 is held).
    const fresh = new CheckedTranslator({ glossaries: new CompiledGlossaries(reader) });
    expect(await translate(fresh, v1)).toEqual([
      {
        ok: false,
        failure: {
          kind: 'permanent',
          code: 'glossary_changed',
          message: 'The glossary was edited after this request was accepted; send the request again.',
        },
        billed: 0,
      },
    ]);
    expect((await translate(fresh, v2))[0]).toMatchObject({
      ok: true,
      translation: { text: '[fr] A baquet' },
    });
    expect(loads).toBe(3);
  });
});
