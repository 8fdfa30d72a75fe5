/**
 * The emulator translates like Google does to text that carries placeholders, code and links
 * (issue 13, item 8), seen through the real `@google-cloud/translate` client: in text format each
 * corruption happens; in html format content marked `translate="no"` or `class="notranslate"` comes
 * back exactly; and the service's text protection (shared/text-protection, what requests with
 * `"placeholders"` or `"format": "markdown"` go through) sends each text so that nothing breaks.
 */
import { v2 } from '@google-cloud/translate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator/create-emulator.js';
import {
  prepareText,
  resolvePlaceholderKinds,
  type ProtectedFormat,
} from '../shared/text-protection/index.js';

let emulator: Emulator;
let client: v2.Translate;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
  const previous = process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'];
  process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'] = emulator.endpoint;
  try {
    client = new v2.Translate({ key: 'test-key', autoRetry: false });
  } finally {
    if (previous === undefined) delete process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'];
    else process.env['GOOGLE_CLOUD_TRANSLATE_ENDPOINT'] = previous;
  }
});
afterAll(() => emulator?.close());
beforeEach(() => {
  emulator.setOptions({ habits: true });
});

async function translate(text: string, format: 'text' | 'html', to = 'de'): Promise<string> {
  const [out] = await client.translate(text, { from: 'en', to, format });
  return out;
}

/** Each habit: the text, what Google-in-text-format makes of it, and the format that protects it. */
const HABITS: Array<{ habit: string; text: string; corrupted: string; format: ProtectedFormat }> = [
  {
    habit: 'spaces inside braces, placeholder names translated',
    text: 'Hello {name}, you have {count} new messages',
    corrupted: '[de] Hello { Name }, you have { Anzahl } new messages',
    format: 'text',
  },
  {
    habit: 'every brace style, numbered ones spaced',
    text: 'Hi {{user}}, ${email} on %{date}: {0}',
    corrupted: '[de] Hi {{ Benutzer }}, ${ E-Mail } on %{ Datum }: { 0 }',
    format: 'text',
  },
  {
    habit: 'two different %-tokens reordered',
    text: '%s has %d files',
    corrupted: '[de] %d has %s files',
    format: 'text',
  },
  {
    habit: '%-tokens split',
    text: 'Copy %s to %s',
    corrupted: '[de] Copy % s to % s',
    format: 'text',
  },
  {
    habit: 'code inside backticks translated',
    text: 'Run `npm install` first',
    corrupted: '[de] Run `[de] npm install` first',
    format: 'markdown',
  },
  {
    habit: 'Markdown links broken into "] ("',
    text: 'Read [the guide](https://example.com/guide) today',
    corrupted: '[de] Read [the guide] (https://example.com/guide) today',
    format: 'markdown',
  },
];

describe('text format: Google habits', () => {
  it.each(HABITS)('$habit', async ({ text, corrupted }) => {
    expect(await translate(text, 'text')).toBe(corrupted);
  });

  it('names without a translation into the target are only spaced; %% and prose are left alone', async () => {
    expect(await translate('Hi {name} and {widget}, 100% sure, 50%% off', 'text', 'it')).toBe(
      '[it] Hi { name } and { widget }, 100% sure, 50%% off',
    );
    expect(await translate('Tom & Jerry say "hi": it\'s 1 < 2 (really) [sic]', 'text')).toBe(
      '[de] Tom & Jerry say "hi": it\'s 1 < 2 (really) [sic]',
    );
  });

  it('text already in the target language comes back unchanged, habits and all', async () => {
    const [same] = await client.translate('{name} hat %s', { from: 'de', to: 'de', format: 'text' });
    expect(same).toBe('{name} hat %s');
  });

  it('habits can be turned off (setOptions or POST /__emulator/options)', async () => {
    expect(emulator.setOptions({ habits: false }).habits).toBe(false);
    expect(await translate('Hello {name}, %s has %d', 'text')).toBe('[de] Hello {name}, %s has %d');
    const res = await fetch(`${emulator.url}/__emulator/options`, {
      method: 'POST',
      body: JSON.stringify({ habits: true }),
    });
    expect(((await res.json()) as { habits: boolean }).habits).toBe(true);
    expect(await translate('Hello {name}', 'text')).toBe('[de] Hello { Name }');
  });
});

describe('html format: translate="no" and class="notranslate" content comes back exactly', () => {
  it('keeps marked spans byte for byte while the prose around them shows the habits', async () => {
    const html =
      'Hello <span translate="no">{name}</span> and {name}, ' +
      '<span class="notranslate">%s &amp; `x`</span> %s <code class="hl notranslate">[a](b) {count}</code> [a](b)';
    expect(await translate(html, 'html')).toBe(
      '[de] Hello <span translate="no">{name}</span> and { Name }, ' +
        '<span class="notranslate">%s &amp; `x`</span> % s <code class="hl notranslate">[a](b) {count}</code> [a] (b)',
    );
  });

  it('follows nesting, void elements and stray closing tags', async () => {
    const html =
      "<p translate=no>it's <b>{user}</b><br>%s</i></p> {user} <div class='notranslate'><img src=x/>{user}</div> {user}";
    expect(await translate(html, 'html')).toBe(
      "[de] <p translate=no>it's <b>{user}</b><br>%s</i></p> { Benutzer } <div class='notranslate'><img src=x/>{user}</div> { Benutzer }",
    );
  });

  it('translate="yes" and other classes are translated', async () => {
    expect(
      await translate('<span translate="yes">{name}</span><span class="translate-me">{name}</span>', 'html'),
    ).toBe('[de] <span translate="yes">{ Name }</span><span class="translate-me">{ Name }</span>');
  });
});

describe("the service's protection prevents each corruption", () => {
  it.each(HABITS)('$habit', async ({ text, corrupted, format }) => {
    const prepared = prepareText(text, { format, placeholders: resolvePlaceholderKinds('auto') });
    expect(prepared.providerFormat).toBe('html');
    const [outputs] = await client.translate(prepared.providerTexts, {
      from: 'en',
      to: 'de',
      format: prepared.providerFormat,
    });
    // Every protected part came back exactly: only the emulator's marker is new.
    expect(prepared.restore(outputs)).toEqual({ ok: true, text: `[de] ${text}` });
    expect(`[de] ${text}`).not.toBe(corrupted);
  });
});
