import { describe, expect, it } from 'vitest';
import { SPAN, uppercaseProse } from '../helpers/protected-html.js';
import { prepareText, resolvePlaceholderKinds, verifyMarkdown } from '../../shared/text-protection/index.js';

const markdown = (text: string) => prepareText(text, { format: 'markdown', placeholders: [] });

const README = `---
title: Acme CLI
tags: [cli, tools]
---

# Acme CLI

Acme CLI uploads files to a **storage bucket** from the \`acme\` command.
See the [guide](https://acme.dev/guide "Guide") or <https://acme.dev>.

## Install

1. Install Node.js 20.
2. Run the installer:

   \`\`\`sh
   npm install -g acme-cli
   \`\`\`

> **Note:** the \`--force\` flag
> overwrites files.

| Option | Meaning |
|--------|---------|
| \`-v\` | Print the *version* |
| \`-q\` | Quiet mode |

    acme upload ./dist

<details>
<summary>More</summary>
</details>

![logo](https://acme.dev/logo.png) Made by [Acme][acme].

[acme]: https://acme.dev
`;

describe('Markdown documents', () => {
  it('sends only prose, with inline structure as elements and code, URLs and breaks protected', () => {
    expect(markdown(README).providerTexts).toEqual([
      'Acme CLI',
      `Acme CLI uploads files to a <b id="tq0">storage bucket</b> from the ${SPAN}\`acme\`</span> command.${SPAN}<br></span>See the <a id="tq1">guide</a> or ${SPAN}&lt;https://acme.dev&gt;</span>.`,
      'Install',
      'Install Node.js 20.',
      'Run the installer:',
      `<b id="tq0">Note:</b> the ${SPAN}\`--force\`</span> flag${SPAN}<br>&gt; </span>overwrites files.`,
      'Option',
      'Meaning',
      'Print the <i id="tq0">version</i>',
      'Quiet mode',
      `${SPAN}![logo](https://acme.dev/logo.png)</span> Made by <a id="tq0">Acme</a>.`,
    ]);
  });

  it('round-trips a README byte-for-byte when the translation is the identity', () => {
    const p = markdown(README);
    expect(p.restore(p.providerTexts)).toEqual({ ok: true, text: README });
  });

  it('keeps every byte outside prose when the prose changes', () => {
    const p = markdown(README);
    const expected = README.replace('# Acme CLI', '# ACME CLI')
      .replace(
        'Acme CLI uploads files to a **storage bucket** from the',
        'ACME CLI UPLOADS FILES TO A **STORAGE BUCKET** FROM THE',
      )
      .replace('command.\nSee the [guide]', 'COMMAND.\nSEE THE [GUIDE]')
      .replace(') or <https', ') OR <https')
      .replace('## Install', '## INSTALL')
      .replace('Install Node.js 20.', 'INSTALL NODE.JS 20.')
      .replace('Run the installer:', 'RUN THE INSTALLER:')
      .replace(
        '**Note:** the `--force` flag\n> overwrites files.',
        '**NOTE:** THE `--force` FLAG\n> OVERWRITES FILES.',
      )
      .replace('| Option | Meaning |', '| OPTION | MEANING |')
      .replace('Print the *version*', 'PRINT THE *VERSION*')
      .replace('Quiet mode', 'QUIET MODE')
      .replace('Made by [Acme][acme]', 'MADE BY [ACME][acme]');
    expect(p.restore(p.providerTexts.map(uppercaseProse))).toEqual({ ok: true, text: expected });
  });

  it('puts link markers and URLs back around translated, reordered words', () => {
    const p = markdown('Read the [setup guide](https://x.dev/setup) **first**.\n');
    expect(p.restore([`<b id="tq1">Zuerst</b> die <a id="tq0">Anleitung</a> lesen.`])).toEqual({
      ok: true,
      text: '**Zuerst** die [Anleitung](https://x.dev/setup) lesen.\n',
    });
  });

  it('moves whitespace the provider put inside emphasis outside its markers', () => {
    const p = markdown('a **bold** word\n');
    expect(p.restore(['ein <b id="tq0"> fettes </b> Wort'])).toEqual({
      ok: true,
      text: 'ein  **fettes**  Wort\n',
    });
  });

  it('escapes a pipe that a translation puts in a table cell', () => {
    const p = markdown('| a |\n|---|\n| yes or no |\n');
    expect(p.restore(['a', 'ja | nein'])).toEqual({ ok: true, text: '| a |\n|---|\n| ja \\| nein |\n' });
  });

  it('also protects placeholders in prose when asked', () => {
    const p = prepareText('Hello {name}, run `x`.\n', {
      format: 'markdown',
      placeholders: resolvePlaceholderKinds('auto'),
    });
    expect(p.providerTexts).toEqual([`Hello ${SPAN}{name}</span>, run ${SPAN}\`x\`</span>.`]);
  });

  it('keeps line breaks and the prefixes of continuation lines (CRLF, hard breaks, nesting) out of the prose', () => {
    const md = '- item *with `code` inside*\r\n  - nested\\\r\n    more\r\n';
    const p = markdown(md);
    expect(p.providerTexts).toEqual([
      `item <i id="tq0">with ${SPAN}\`code\`</span> inside</i>`,
      `nested${SPAN}\\\r<br>    </span>more`,
    ]);
    expect(p.restore(p.providerTexts)).toEqual({ ok: true, text: md });
    expect(p.restore(p.providerTexts.map(uppercaseProse))).toEqual({
      ok: true,
      text: '- ITEM *WITH `code` INSIDE*\r\n  - NESTED\\\r\n    MORE\r\n',
    });
  });

  it('sends nothing for a document without prose', () => {
    const p = markdown('```\ncode\n```\n');
    expect(p.providerTexts).toEqual([]);
    expect(p.restore([])).toEqual({ ok: true, text: '```\ncode\n```\n' });
  });
});

describe('verification catches what Google does to Markdown', () => {
  it('translation inside backticks, through protection', () => {
    const p = markdown('Run `acme up` now.\n');
    expect(p.restore([`Ejecute ${SPAN}\`acme arriba\`</span> ahora.`])).toEqual({
      ok: false,
      text: 'Ejecute `acme arriba` ahora.\n',
      issues: [{ kind: 'markdown_code_changed', detail: '"`acme up`" came back as "`acme arriba`"' }],
    });
  });

  it('translation inside backticks and a link broken as `] (`, in any translation', () => {
    const source = 'See the [guide](https://acme.dev/guide) and run `acme up`.\n';
    expect(
      verifyMarkdown(source, 'Consulte la [guía] (https://acme.dev/guide) y ejecute `acme arriba`.\n'),
    ).toEqual({
      ok: false,
      issues: [
        { kind: 'markdown_code_changed', detail: 'code lost: "`acme up`"; added: "`acme arriba`"' },
        {
          kind: 'markdown_url_changed',
          detail: 'URLs lost: "link https://acme.dev/guide"; added: "autolink https://acme.dev/guide"',
        },
      ],
    });
  });

  it('lost emphasis and a lost code block', () => {
    const p = markdown('a **bold** word\n');
    expect(p.restore(['ein fettes Wort'])).toEqual({
      ok: false,
      text: 'ein fettes Wort\n',
      issues: [{ kind: 'markdown_structure_changed', detail: 'element 0 (<b>) is missing' }],
    });
    expect(verifyMarkdown('Text\n\n```\ncode\n```\n', 'Texte\n')).toMatchObject({
      ok: false,
      issues: [{ kind: 'markdown_code_changed' }, { kind: 'markdown_structure_changed' }],
    });
  });
});
