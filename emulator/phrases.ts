/**
 * A few real phrases so demos and tests see genuine translations, not only the `[target] text`
 * placeholder. A phrase is used only when a whole segment matches it (trimmed, case-insensitive).
 */

/** One meaning, spelled per canonical language code. */
const MEANINGS: ReadonlyArray<Readonly<Record<string, string>>> = [
  {
    en: 'Hello',
    ko: '안녕하세요',
    ja: 'こんにちは',
    'zh-CN': '你好',
    es: 'Hola',
    fr: 'Bonjour',
    de: 'Hallo',
    ru: 'Привет',
  },
  {
    en: 'Good morning',
    ko: '좋은 아침입니다',
    ja: 'おはようございます',
    'zh-CN': '早上好',
    es: 'Buenos días',
    de: 'Guten Morgen',
  },
  {
    en: 'Thank you',
    ko: '감사합니다',
    ja: 'ありがとうございます',
    'zh-CN': '谢谢',
    es: 'Gracias',
    fr: 'Merci',
    de: 'Danke',
    ru: 'Спасибо',
  },
  {
    en: 'Goodbye',
    ko: '안녕히 가세요',
    ja: 'さようなら',
    es: 'Adiós',
    fr: 'Au revoir',
    de: 'Auf Wiedersehen',
  },
];

interface PhraseMatch {
  language: string;
  meaning: Readonly<Record<string, string>>;
}

const byText = new Map<string, PhraseMatch>();
for (const meaning of MEANINGS) {
  for (const [language, text] of Object.entries(meaning))
    byText.set(text.toLowerCase(), { language, meaning });
}

/** The phrase a whole segment spells, with the language it is written in. */
export function findPhrase(text: string): PhraseMatch | undefined {
  if (text.length > 40) return undefined; // cheap exit for the common, long case
  return byText.get(text.trim().toLowerCase());
}

/**
 * The phrase's translation into `target` (canonical code), or `undefined` when the dictionary has
 * no spelling for that language or the segment is not a phrase written in `source`.
 */
export function translatePhrase(text: string, source: string, target: string): string | undefined {
  const match = findPhrase(text);
  if (match === undefined || match.language !== source) return undefined;
  return match.meaning[target];
}
