/**
 * What Google's translation does to the parts of a text that must not change, reproduced
 * deterministically so tests can prove the service's protection (issue 13): placeholders, code and
 * Markdown links survive only when sent as html inside `translate="no"` / `class="notranslate"`
 * elements, which Google documents it leaves alone (html-text.ts keeps them exactly).
 *
 * On prose (text format, and html text outside `translate="no"`), in this order:
 * - inside backticks the code is translated like prose: `` `npm install` `` → `` `[de] npm install` ``;
 * - Markdown links break: `[docs](https://x)` → `[docs] (https://x)`;
 * - spaces go inside braces and well-known names are translated: `{name}` → `{ Name }` (de),
 *   `{{count}}` → `{{ Anzahl }}`, `${user}` → `${ Benutzer }`, `{0}` → `{ 0 }`;
 * - printf tokens: when a text has two different ones, the first two swap places
 *   (`%s has %d files` → `%d has %s files`: the same tokens, in the wrong slots); otherwise each is
 *   split (`%s` → `% s`, `%1$s` → `% 1$s`). `%%` is left alone.
 * Plain prose without any of these comes back as before, so other tests' exact outputs hold.
 */

/** Placeholder names Google (and DeepL) translate, per canonical target language. */
const NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  name: { de: 'Name', fr: 'nom', es: 'nombre', ko: '이름', ja: '名前' },
  count: { de: 'Anzahl', fr: 'nombre', es: 'cuenta', ko: '개수', ja: '数' },
  user: { de: 'Benutzer', fr: 'utilisateur', es: 'usuario', ko: '사용자', ja: 'ユーザー' },
  email: { de: 'E-Mail', fr: 'courriel', es: 'correo', ko: '이메일', ja: 'メール' },
  date: { de: 'Datum', fr: 'date', es: 'fecha', ko: '날짜', ja: '日付' },
  file: { de: 'Datei', fr: 'fichier', es: 'archivo', ko: '파일', ja: 'ファイル' },
  total: { de: 'Summe', fr: 'total', es: 'total', ko: '합계', ja: '合計' },
  item: { de: 'Artikel', fr: 'article', es: 'artículo', ko: '항목', ja: '項目' },
};

const BACKTICK_CODE = /`([^`\n]+)`/g;
const LINK_BREAK = /\]\(/g;
/** An identifier or a number between braces, spaces allowed around it. */
const BRACED_NAME = /\{\s*([A-Za-z_][\w.]*|\d+)\s*\}/g;
/** `%s`, `%d`, `%1$s`, `%-5.2f`: a conversion after optional position, flags, width, precision. */
const PRINTF = /%(?:\d+\$)?[-+0#]*\d*(?:\.\d+)?[sdifuxXoeEgGc]/g;

/** The names this target language translates (for tests and the docs). */
export function translatedName(name: string, target: string): string {
  return NAMES[name.toLowerCase()]?.[target] ?? name;
}

/**
 * Applies the habits to prose. `target`: canonical code (for names); `marker`: how the emulator
 * marks a translation into it (`[de]`), used for code translated inside backticks.
 */
export function corruptProse(text: string, target: string, marker: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(BACKTICK_CODE)) {
    out += corruptOutsideCode(text.slice(last, match.index), target);
    out += `\`${marker} ${match[1]!}\``;
    last = match.index + match[0].length;
  }
  return out + corruptOutsideCode(text.slice(last), target);
}

function corruptOutsideCode(text: string, target: string): string {
  if (text === '') return text;
  const spaced = text
    .replace(LINK_BREAK, '] (')
    .replace(BRACED_NAME, (_whole, name: string) => `{ ${translatedName(name, target)} }`);
  return corruptPrintf(spaced);
}

function corruptPrintf(text: string): string {
  const tokens = [...text.matchAll(PRINTF)];
  if (tokens.length === 0) return text;
  const [first, second] = tokens;
  if (first && second && first[0] !== second[0]) {
    return (
      text.slice(0, first.index) +
      second[0] +
      text.slice(first.index + first[0].length, second.index) +
      first[0] +
      text.slice(second.index + second[0].length)
    );
  }
  return text.replace(PRINTF, (token) => `% ${token.slice(1)}`);
}
