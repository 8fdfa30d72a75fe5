/**
 * Language codes the emulator accepts, modelled on what Google's v2 `languages` endpoint lists.
 * Google matches codes case-insensitively and accepts a few legacy/alternate spellings
 * (`he`/`iw`, `jv`/`jw`, `fil`/`tl`, `zh`/`zh-CN`); unknown codes such as `xx` are rejected
 * with 400 Invalid Value, which is exactly what tests rely on.
 */

/** `[code, English name]`, in the order Google lists them (alphabetical by name). */
const LISTED: ReadonlyArray<readonly [string, string]> = [
  ['af', 'Afrikaans'],
  ['sq', 'Albanian'],
  ['am', 'Amharic'],
  ['ar', 'Arabic'],
  ['hy', 'Armenian'],
  ['as', 'Assamese'],
  ['ay', 'Aymara'],
  ['az', 'Azerbaijani'],
  ['bm', 'Bambara'],
  ['eu', 'Basque'],
  ['be', 'Belarusian'],
  ['bn', 'Bengali'],
  ['bho', 'Bhojpuri'],
  ['bs', 'Bosnian'],
  ['bg', 'Bulgarian'],
  ['ca', 'Catalan'],
  ['ceb', 'Cebuano'],
  ['ny', 'Chichewa'],
  ['zh', 'Chinese (Simplified)'],
  ['zh-CN', 'Chinese (Simplified)'],
  ['zh-TW', 'Chinese (Traditional)'],
  ['co', 'Corsican'],
  ['hr', 'Croatian'],
  ['cs', 'Czech'],
  ['da', 'Danish'],
  ['dv', 'Dhivehi'],
  ['doi', 'Dogri'],
  ['nl', 'Dutch'],
  ['en', 'English'],
  ['eo', 'Esperanto'],
  ['et', 'Estonian'],
  ['ee', 'Ewe'],
  ['tl', 'Filipino'],
  ['fi', 'Finnish'],
  ['fr', 'French'],
  ['fr-CA', 'French (Canada)'],
  ['fy', 'Frisian'],
  ['gl', 'Galician'],
  ['ka', 'Georgian'],
  ['de', 'German'],
  ['el', 'Greek'],
  ['gn', 'Guarani'],
  ['gu', 'Gujarati'],
  ['ht', 'Haitian Creole'],
  ['ha', 'Hausa'],
  ['haw', 'Hawaiian'],
  ['iw', 'Hebrew'],
  ['he', 'Hebrew'],
  ['hi', 'Hindi'],
  ['hmn', 'Hmong'],
  ['hu', 'Hungarian'],
  ['is', 'Icelandic'],
  ['ig', 'Igbo'],
  ['ilo', 'Ilocano'],
  ['id', 'Indonesian'],
  ['ga', 'Irish'],
  ['it', 'Italian'],
  ['ja', 'Japanese'],
  ['jw', 'Javanese'],
  ['jv', 'Javanese'],
  ['kn', 'Kannada'],
  ['kk', 'Kazakh'],
  ['km', 'Khmer'],
  ['rw', 'Kinyarwanda'],
  ['gom', 'Konkani'],
  ['ko', 'Korean'],
  ['kri', 'Krio'],
  ['ku', 'Kurdish (Kurmanji)'],
  ['ckb', 'Kurdish (Sorani)'],
  ['ky', 'Kyrgyz'],
  ['lo', 'Lao'],
  ['la', 'Latin'],
  ['lv', 'Latvian'],
  ['ln', 'Lingala'],
  ['lt', 'Lithuanian'],
  ['lg', 'Luganda'],
  ['lb', 'Luxembourgish'],
  ['mk', 'Macedonian'],
  ['mai', 'Maithili'],
  ['mg', 'Malagasy'],
  ['ms', 'Malay'],
  ['ml', 'Malayalam'],
  ['mt', 'Maltese'],
  ['mi', 'Maori'],
  ['mr', 'Marathi'],
  ['mni-Mtei', 'Meiteilon (Manipuri)'],
  ['lus', 'Mizo'],
  ['mn', 'Mongolian'],
  ['my', 'Myanmar (Burmese)'],
  ['ne', 'Nepali'],
  ['no', 'Norwegian'],
  ['or', 'Odia (Oriya)'],
  ['om', 'Oromo'],
  ['ps', 'Pashto'],
  ['fa', 'Persian'],
  ['pl', 'Polish'],
  ['pt', 'Portuguese'],
  ['pt-PT', 'Portuguese (Portugal)'],
  ['pa', 'Punjabi'],
  ['qu', 'Quechua'],
  ['ro', 'Romanian'],
  ['ru', 'Russian'],
  ['sm', 'Samoan'],
  ['sa', 'Sanskrit'],
  ['gd', 'Scots Gaelic'],
  ['nso', 'Sepedi'],
  ['sr', 'Serbian'],
  ['st', 'Sesotho'],
  ['sn', 'Shona'],
  ['sd', 'Sindhi'],
  ['si', 'Sinhala'],
  ['sk', 'Slovak'],
  ['sl', 'Slovenian'],
  ['so', 'Somali'],
  ['es', 'Spanish'],
  ['su', 'Sundanese'],
  ['sw', 'Swahili'],
  ['sv', 'Swedish'],
  ['tg', 'Tajik'],
  ['ta', 'Tamil'],
  ['tt', 'Tatar'],
  ['te', 'Telugu'],
  ['th', 'Thai'],
  ['ti', 'Tigrinya'],
  ['ts', 'Tsonga'],
  ['tr', 'Turkish'],
  ['tk', 'Turkmen'],
  ['ak', 'Twi'],
  ['uk', 'Ukrainian'],
  ['ur', 'Urdu'],
  ['ug', 'Uyghur'],
  ['uz', 'Uzbek'],
  ['vi', 'Vietnamese'],
  ['cy', 'Welsh'],
  ['xh', 'Xhosa'],
  ['yi', 'Yiddish'],
  ['yo', 'Yoruba'],
  ['zu', 'Zulu'],
];

/**
 * Codes Google accepts but does not list, and codes that mean the same language as another.
 * The value is the canonical code used to compare source and target and to look up phrases.
 */
const ALIASES: Readonly<Record<string, string>> = {
  zh: 'zh-CN',
  'zh-Hans': 'zh-CN',
  'zh-Hant': 'zh-TW',
  he: 'iw',
  jv: 'jw',
  fil: 'tl',
  'pt-BR': 'pt',
  nb: 'no',
};

const canonicalByLowerCase = new Map<string, string>();
for (const [code] of LISTED) canonicalByLowerCase.set(code.toLowerCase(), ALIASES[code] ?? code);
for (const [alias, canonical] of Object.entries(ALIASES))
  canonicalByLowerCase.set(alias.toLowerCase(), canonical);

/**
 * The canonical code for an accepted language code (case-insensitive), or `undefined` when Google
 * would reject it. Two codes name the same language exactly when their canonical codes are equal.
 */
export function canonicalLanguage(code: string): string | undefined {
  return canonicalByLowerCase.get(code.trim().toLowerCase());
}

export interface LanguageEntry {
  language: string;
  name?: string;
}

/**
 * Names in a few target languages, as Google gives them, so tests can see that `target` reached
 * the provider; any other name falls back to English (a simplification: Google names every
 * language in every target).
 */
const LOCALIZED_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ko: { de: '독일어', en: '영어', fr: '프랑스어', ja: '일본어', ko: '한국어', 'zh-CN': '중국어(간체)' },
  de: { de: 'Deutsch', en: 'Englisch', fr: 'Französisch', ja: 'Japanisch', ko: 'Koreanisch' },
};

/**
 * The body of `GET /languages`: names in `target`'s language (see LOCALIZED_NAMES); without
 * `target` Google omits names, and so does the emulator. `target` must be an accepted code.
 */
export function listLanguages(target: string | undefined): LanguageEntry[] {
  if (target === undefined) return LISTED.map(([language]) => ({ language }));
  const localized = LOCALIZED_NAMES[canonicalLanguage(target) ?? ''] ?? {};
  return LISTED.map(([language, name]) => ({ language, name: localized[language] ?? name }));
}
