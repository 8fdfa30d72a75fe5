import { describe, expect, it } from 'vitest';
import { SPAN, uppercaseProse } from '../helpers/protected-html.js';
import {
  findPlaceholders,
  prepareText,
  protect,
  resolvePlaceholderKinds,
  restore,
  type PlaceholderKind,
} from '../../shared/text-protection/index.js';

const AUTO = resolvePlaceholderKinds('auto');

const found = (text: string, kinds: readonly PlaceholderKind[] = AUTO) =>
  findPlaceholders(text, kinds).map((m) => [m.kind, text.slice(m.start, m.end)]);

describe('placeholder detection', () => {
  it('finds each kind', () => {
    expect(found('%s %d %1$s %%  %.2f %@')).toEqual([
      ['printf', '%s'],
      ['printf', '%d'],
      ['printf', '%1$s'],
      ['printf', '%%'],
      ['printf', '%.2f'],
      ['printf', '%@'],
    ]);
    expect(found('{name} {0} {{name}} {{ name }} ${name} %{name} <b>x</b> <br/>')).toEqual([
      ['braces', '{name}'],
      ['braces', '{0}'],
      ['double_braces', '{{name}}'],
      ['double_braces', '{{ name }}'],
      ['dollar_braces', '${name}'],
      ['percent_braces', '%{name}'],
      ['html_tags', '<b>'],
      ['html_tags', '</b>'],
      ['html_tags', '<br/>'],
    ]);
    expect(found('Hi :name, see :count', ['colon'])).toEqual([
      ['colon', ':name'],
      ['colon', ':count'],
    ]);
  });

  it('resolves overlaps to the longest, outermost span', () => {
    expect(found('{{x}} {{{y}}} %{z} ${w}')).toEqual([
      ['double_braces', '{{x}}'],
      ['double_braces', '{{{y}}}'],
      ['percent_braces', '%{z}'],
      ['dollar_braces', '${w}'],
    ]);
  });

  it('"auto" leaves out colon, and colon skips times, URLs and prose', () => {
    expect(AUTO).not.toContain('colon');
    expect(found('Hi :name')).toEqual([]);
    expect(found('At 10:30, see http://x.io or Note: this', ['colon'])).toEqual([]);
  });

  it('does not read prose percentages as printf', () => {
    expect(found('50% of users, 100 % sure')).toEqual([]);
  });

  it('finds nothing in a text without trigger characters, and only the kinds asked for', () => {
    expect(found('Plain prose, nothing to protect.')).toEqual([]);
    expect(found('{name} %s', ['printf'])).toEqual([['printf', '%s']]);
    expect(found('{name} %s', [])).toEqual([]);
  });
});

describe('protect and restore', () => {
  it('sends a text with nothing to protect unchanged, in its own format', () => {
    const p = protect('Hello world', 'text', AUTO);
    expect(p).toEqual({ providerText: 'Hello world', providerFormat: 'text', spans: [], unit: undefined });
    expect(restore('Hola mundo', p)).toEqual({ ok: true, text: 'Hola mundo' });
  });

  it('escapes the text, wraps spans in translate="no" and sends html', () => {
    const p = protect('Hi {name} & <b>you</b>\nbye', 'text', AUTO);
    expect(p.providerFormat).toBe('html');
    expect(p.providerText).toBe(
      `Hi ${SPAN}{name}</span> &amp; ${SPAN}&lt;b&gt;</span>you${SPAN}&lt;/b&gt;</span><br>bye`,
    );
    expect(p.spans.map((s) => [s.kind, s.start, s.end, s.restored])).toEqual([
      ['braces', 3, 9, '{name}'],
      ['html_tags', 12, 15, '<b>'],
      ['html_tags', 18, 22, '</b>'],
    ]);
  });

  it.each([
    ['printf', 'You have %d new %s (%1$s, 100%%)', 'YOU HAVE %d NEW %s (%1$s, 100%%)'],
    ['braces', 'Hello {name}, item {0}', 'HELLO {name}, ITEM {0}'],
    ['double_braces', 'Hello {{name}} and {{ count }}', 'HELLO {{name}} AND {{ count }}'],
    ['dollar_braces', 'Hello ${user.name}', 'HELLO ${user.name}'],
    ['percent_braces', 'Hello %{name}', 'HELLO %{name}'],
    ['colon', 'Hello :name', 'HELLO :name'],
    ['html_tags', 'Click <a href="/x">here</a> & go', 'CLICK <a href="/x">HERE</a> & GO'],
  ] as const)('protects and restores %s', (kind, text, translated) => {
    const p = protect(text, 'text', [kind]);
    expect(restore(p.providerText, p)).toEqual({ ok: true, text });
    expect(restore(uppercaseProse(p.providerText), p)).toEqual({ ok: true, text: translated });
  });

  it('lets the provider move spans and re-encode entities', () => {
    const p = protect("{a} isn't {b}", 'text', AUTO);
    const moved = `${SPAN}{b}</span> n&#39;est pas ${SPAN}{a}</span>`;
    expect(restore(moved, p)).toEqual({ ok: true, text: "{b} n'est pas {a}" });
  });

  it('protects placeholders inside html input without breaking it', () => {
    const html = '<p title="{title}">Hi {name} &amp; <b>%s</b></p><script>var a = "{x}";</script>';
    const p = protect(html, 'html', AUTO);
    expect(p.providerText).toBe(
      `<p title="{title}">Hi ${SPAN}{name}</span> &amp; <b>${SPAN}%s</span></b></p><script>var a = "{x}";</script>`,
    );
    expect(restore(p.providerText, p)).toEqual({ ok: true, text: html });
    expect(restore(p.providerText.replace('Hi', 'Hola'), p)).toEqual({
      ok: true,
      text: html.replace('Hi', 'Hola'),
    });
  });
});

describe('verification catches what Google does to placeholders', () => {
  const p = protect('Hello {name}, you have %s new %d', 'text', AUTO);

  it('spaces inside braces', () => {
    const out = p.providerText.replace('{name}', '{ name }');
    expect(restore(out, p)).toEqual({
      ok: false,
      text: 'Hello { name }, you have %s new %d',
      issues: [{ kind: 'placeholder_altered', detail: '"{name}" came back as "{ name }"' }],
    });
  });

  it('a translated placeholder name', () => {
    const out = p.providerText.replace('{name}', '{nombre}');
    expect(restore(out, p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'placeholder_altered', detail: '"{name}" came back as "{nombre}"' }],
    });
  });

  it('a split %s, and one lost when the markup is dropped', () => {
    expect(restore(p.providerText.replace('>%s<', '>% s<'), p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'placeholder_altered', detail: '"%s" came back as "% s"' }],
    });
    const stripped = p.providerText.replace(`${SPAN}%s</span>`, '% s');
    expect(restore(stripped, p)).toEqual({
      ok: false,
      text: 'Hello {name}, you have % s new %d',
      issues: [{ kind: 'placeholder_missing', detail: '"%s" is missing' }],
    });
  });

  it('reordered %s and %d (their arguments would swap), while %1$s may move', () => {
    const swapped = `${SPAN}%d</span> ${SPAN}{name}</span> ${SPAN}%s</span>`;
    expect(restore(swapped, p)).toEqual({
      ok: false,
      text: '%d {name} %s',
      issues: [{ kind: 'placeholder_reordered', detail: 'printf order "%s %d" came back as "%d %s"' }],
    });
    const positional = protect('%1$s then %2$s', 'text', AUTO);
    expect(restore(`${SPAN}%2$s</span> puis ${SPAN}%1$s</span>`, positional)).toEqual({
      ok: true,
      text: '%2$s puis %1$s',
    });
  });

  it('a span sent once and returned twice', () => {
    const twice = p.providerText.replace(`${SPAN}{name}</span>`, `${SPAN}{name}</span> ${SPAN}{name}</span>`);
    expect(restore(twice, p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'placeholder_duplicated', detail: '"{name}" came back more times than sent' }],
    });
  });

  it('two equal spans must both come back', () => {
    const two = protect('%s and %s', 'text', AUTO);
    expect(restore(`${SPAN}%s</span> y ${SPAN}%s</span>`, two)).toEqual({ ok: true, text: '%s y %s' });
    expect(restore(`${SPAN}%s</span> y`, two)).toMatchObject({
      ok: false,
      issues: [{ kind: 'placeholder_missing', detail: '"%s" is missing' }],
    });
  });
});

describe('the strict method (the retry)', () => {
  const text = 'Hello {name}, you have %s new %d';
  const p = protect(text, 'text', AUTO, { strict: true });

  it('sends opaque numbered tokens and restores by number', () => {
    expect(p.providerText).toBe(`Hello ${SPAN}PH0</span>, you have ${SPAN}PH1</span> new ${SPAN}PH2</span>`);
    expect(restore(p.providerText, p)).toEqual({ ok: true, text });
    expect(restore(uppercaseProse(p.providerText), p)).toEqual({
      ok: true,
      text: 'HELLO {name}, YOU HAVE %s NEW %d',
    });
  });

  it('reports a token that is unknown, lost or repeated', () => {
    expect(restore(p.providerText.replace('PH0', 'PH7'), p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'placeholder_altered', detail: '"{name}" came back as "PH7"' }],
    });
    expect(restore(p.providerText.replace(`${SPAN}PH2</span>`, ''), p)).toMatchObject({
      ok: false,
      issues: [{ kind: 'placeholder_missing', detail: '"%d" is missing' }],
    });
    expect(restore(p.providerText.replace('PH2', 'PH1'), p)).toMatchObject({
      ok: false,
      issues: [
        { kind: 'placeholder_missing', detail: '"%d" is missing' },
        { kind: 'placeholder_duplicated', detail: '"%s" came back more times than sent' },
      ],
    });
  });
});

describe('prepareText for text and html', () => {
  it('gives one provider text and restores it', () => {
    const prepared = prepareText('Hi {name}', { format: 'text', placeholders: AUTO });
    expect(prepared.providerFormat).toBe('html');
    expect(prepared.providerTexts).toEqual([`Hi ${SPAN}{name}</span>`]);
    expect(prepared.restore([`Hola ${SPAN}{name}</span>`])).toEqual({ ok: true, text: 'Hola {name}' });
  });

  it("keeps today's behaviour without placeholders", () => {
    const prepared = prepareText('Hi {name}', {
      format: 'text',
      placeholders: resolvePlaceholderKinds(undefined),
    });
    expect(prepared.providerFormat).toBe('text');
    expect(prepared.providerTexts).toEqual(['Hi {name}']);
    expect(prepared.restore(['Hola {nombre}'])).toEqual({ ok: true, text: 'Hola {nombre}' });
  });
});

describe('cost of "auto"', () => {
  it('protects and restores 10,000 texts of 200 characters quickly', () => {
    const withPlaceholders = 'Dear {name}, your order %1$s of %d items ships ${date}. '
      .repeat(4)
      .slice(0, 200);
    const plain = 'Dear customer, your order of several items ships tomorrow morning. '
      .repeat(4)
      .slice(0, 200);
    // CPU time of this process, not wall time: other processes sharing the machine do not count.
    const started = process.cpuUsage();
    for (let i = 0; i < 5000; i++) {
      const p = protect(withPlaceholders, 'text', AUTO);
      restore(p.providerText, p);
      protect(plain, 'text', AUTO);
    }
    // About 25 µs a text when warm; the bound leaves room for a cold JIT on a shared 2-core machine
    // and still fails on anything quadratic.
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(3000);
  });
});
