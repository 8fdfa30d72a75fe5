import { describe, expect, it } from 'vitest';
import { SPAN, uppercaseProse } from '../helpers/protected-html.js';
import {
  IcuSyntaxError,
  prepareText,
  resolvePlaceholderKinds,
  verifyIcu,
} from '../../shared/text-protection/index.js';

const icu = (message: string, strict = false) =>
  prepareText(message, { format: 'icu', placeholders: [], strict });

describe('ICU messages', () => {
  it('sends each plural branch whole, with # protected, and prints the message back', () => {
    const message = 'You have {count, plural, =0 {no messages} one {# message} other {# messages}}.';
    const p = icu(message);
    expect(p.providerFormat).toBe('html');
    expect(p.providerTexts).toEqual([
      `You have ${SPAN}{count}</span>.`,
      'no messages',
      `${SPAN}#</span> message`,
      `${SPAN}#</span> messages`,
    ]);
    expect(p.restore(p.providerTexts)).toEqual({ ok: true, text: message });
    expect(p.restore(p.providerTexts.map(uppercaseProse))).toEqual({
      ok: true,
      text: 'YOU HAVE {count, plural, =0 {NO MESSAGES} one {# MESSAGE} other {# MESSAGES}}.',
    });
  });

  it('lets a translation move # and arguments within a branch', () => {
    const p = icu('{n, plural, one {# file in {folder}} other {# files in {folder}}}');
    const answers = [
      `${SPAN}{folder}</span> 안의 파일 ${SPAN}#</span>개`,
      `${SPAN}{folder}</span> 안의 파일 ${SPAN}#</span>개`,
    ];
    expect(p.providerTexts).toHaveLength(2);
    expect(p.restore(answers)).toEqual({
      ok: true,
      text: '{n, plural, one {{folder} 안의 파일 #개} other {{folder} 안의 파일 #개}}',
    });
  });

  it('translates a select nested with plurals, keeping every key', () => {
    const message =
      '{gender, select, female {She has {n, plural, one {# cat} other {# cats}}} other {They have {n, plural, one {# cat} other {# cats}}}}';
    const p = icu(message);
    expect(p.providerTexts).toEqual([
      `She has ${SPAN}{n}</span>`,
      `${SPAN}#</span> cat`,
      `${SPAN}#</span> cats`,
      `They have ${SPAN}{n}</span>`,
      `${SPAN}#</span> cat`,
      `${SPAN}#</span> cats`,
    ]);
    expect(p.restore(p.providerTexts)).toEqual({ ok: true, text: message });
    expect(p.restore(p.providerTexts.map(uppercaseProse))).toEqual({
      ok: true,
      text: '{gender, select, female {SHE HAS {n, plural, one {# CAT} other {# CATS}}} other {THEY HAVE {n, plural, one {# CAT} other {# CATS}}}}',
    });
  });

  it('keeps tags as elements the provider can move, and formatted arguments as they were', () => {
    const message = 'Read the <link>terms</link> and <b>accept {name}</b> by {when, date, short}';
    const p = icu(message);
    expect(p.providerTexts).toEqual([
      `Read the <span id="tq0">terms</span> and <span id="tq1">accept ${SPAN}{name}</span></span> by ${SPAN}{when}</span>`,
    ]);
    const reordered = `<span id="tq1">${SPAN}{name}</span> akzeptieren</span> und <span id="tq0">AGB</span> lesen bis ${SPAN}{when}</span>`;
    expect(p.restore([reordered])).toEqual({
      ok: true,
      text: '<b>{name} akzeptieren</b> und <link>AGB</link> lesen bis {when, date, short}',
    });
    expect(
      p.restore([`<span id="tq0">AGB</span> lesen ${SPAN}{name}</span> ${SPAN}{when}</span>`]),
    ).toMatchObject({
      ok: false,
      issues: [{ kind: 'icu_tag_changed', detail: 'element 1 (<span>) is missing' }],
    });
  });

  it('escapes ICU syntax that a translation introduces', () => {
    const p = icu('Hello {name}');
    const result = p.restore([`Hallo {x} ${SPAN}{name}</span>`]);
    expect(result).toEqual({ ok: true, text: "Hallo '{x}' {name}" });
  });

  it('sends nothing for a body without prose', () => {
    const p = icu('{n, plural, one {#} other {#}}');
    expect(p.providerTexts).toEqual([]);
    expect(p.restore([])).toEqual({ ok: true, text: '{n, plural, one {#} other {#}}' });
  });

  it('also protects placeholders inside literal text when asked', () => {
    const p = prepareText('{n, plural, one {# file, %s} other {# files, %s}}', {
      format: 'icu',
      placeholders: resolvePlaceholderKinds('auto'),
    });
    expect(p.providerTexts[0]).toBe(`${SPAN}#</span> file, ${SPAN}%s</span>`);
    expect(p.restore(p.providerTexts.map(uppercaseProse))).toEqual({
      ok: true,
      text: '{n, plural, one {# FILE, %s} other {# FILES, %s}}',
    });
  });

  it('reports a # or an argument the provider altered or lost', () => {
    const p = icu('You have {count, plural, one {# message} other {# messages}}.');
    expect(
      p.restore([`Sie haben ${SPAN}{Anzahl}</span>.`, `${SPAN}#</span> Nachricht`, 'Nachrichten']),
    ).toEqual({
      ok: false,
      text: "Sie haben '{Anzahl}'.",
      issues: [
        { kind: 'icu_argument_changed', detail: '"{count}" came back as "{Anzahl}"' },
        { kind: 'icu_argument_changed', detail: '"#" is missing' },
      ],
    });
  });

  it('uses numbered tokens in strict mode', () => {
    const p = icu('{n, plural, one {# file in {folder}} other {# files}}', true);
    expect(p.providerTexts).toEqual([
      `${SPAN}PH0</span> file in ${SPAN}PH1</span>`,
      `${SPAN}PH0</span> files`,
    ]);
    expect(p.restore([`${SPAN}PH1</span>: ${SPAN}PH0</span> Datei`, `${SPAN}PH0</span> Dateien`])).toEqual({
      ok: true,
      text: '{n, plural, one {{folder}: # Datei} other {# Dateien}}',
    });
  });

  it("rejects an invalid message with the parser's message", () => {
    expect(() => icu('{n, plural, one {x}}')).toThrow(new IcuSyntaxError('MISSING_OTHER_CLAUSE', 19));
    expect(() => icu('{n, plural, one {x}}')).toThrow('MISSING_OTHER_CLAUSE at offset 19');
  });
});

describe('verifyIcu', () => {
  it('accepts a translation with the same structure', () => {
    expect(
      verifyIcu('{n, plural, one {# a} other {# b}} {x}', '{x} {n, plural, one {# c} other {# d}}'),
    ).toEqual({ ok: true });
  });

  it('reports renamed arguments, changed keys, lost tags and output that does not parse', () => {
    expect(verifyIcu('{name} x', '{nombre} x')).toEqual({
      ok: false,
      issues: [{ kind: 'icu_argument_changed', detail: 'arguments missing: "name"; added: "nombre"' }],
    });
    expect(
      verifyIcu('{n, plural, one {# a} other {# b}}', '{n, plural, one {# a} few {# c} other {# b}}'),
    ).toEqual({
      ok: false,
      issues: [
        { kind: 'icu_argument_changed', detail: '# appears 3 times, was 2' },
        {
          kind: 'icu_key_changed',
          detail: 'plural/select keys "n,plural: one other" became "n,plural: few one other"',
        },
      ],
    });
    expect(verifyIcu('<b>x</b>', 'x')).toEqual({
      ok: false,
      issues: [{ kind: 'icu_tag_changed', detail: 'tags "b" became ""' }],
    });
    expect(verifyIcu('{name} x', '{name x')).toEqual({
      ok: false,
      issues: [{ kind: 'icu_unparsable', detail: 'MALFORMED_ARGUMENT at offset 0' }],
    });
  });
});
