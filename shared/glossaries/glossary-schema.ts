/**
 * The wire contract of a glossary (PUT /v1/glossaries/{name}): its name, languages and entries,
 * and the limits that keep one glossary small enough to load per request. Pure: the routes
 * validate with it, shared/glossaries/glossary-store.ts stores what it accepted.
 */
import { z } from 'zod';
import { countChars } from '../provider-request/count-chars.js';
import { cleanText, languageCode } from '../schemas.js';
import { glossaryTermKey } from '../text-protection/glossary-matcher.js';

/** Most entries in one glossary. */
export const MAX_GLOSSARY_ENTRIES = 10_000;
/** Longest source or target term, in characters (count-chars.ts). */
export const MAX_GLOSSARY_TERM_CHARS = 256;
/**
 * Most characters of all terms together (sources and targets): 10,000 entries of 25 characters a
 * side. It bounds what a worker loads and compiles per glossary version.
 */
export const MAX_GLOSSARY_CHARS = 500_000;
/**
 * The JSON body limit of PUT /v1/glossaries/{name}: a glossary at MAX_GLOSSARY_CHARS whose every
 * character is escaped as `\uXXXX` (6 bytes) plus the entries' own syntax fits; the other routes
 * keep the small limit of a translate request.
 */
export const GLOSSARY_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Letters, digits, `_ . -`, starting with a letter or digit: safe in a URL path and a Redis key (no `:`). */
export const glossaryName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'must be 1 to 64 letters, digits, _ . - (starting with a letter or digit)',
  );

const term = cleanText(MAX_GLOSSARY_TERM_CHARS).refine(
  (s) => s.trim() !== '',
  'must not be only white space',
);

export const glossaryEntry = z.strictObject({ source: term, target: term });

export const glossaryBody = z
  .strictObject({
    src_lang: languageCode,
    tgt_lang: languageCode,
    entries: z
      .array(glossaryEntry)
      .min(1, 'must have at least 1 entry')
      .max(MAX_GLOSSARY_ENTRIES, `must have at most ${MAX_GLOSSARY_ENTRIES.toLocaleString('en')} entries`),
    case_sensitive: z.boolean().default(false),
  })
  .superRefine((body, ctx) => {
    if (body.src_lang.toLowerCase() === body.tgt_lang.toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: ['tgt_lang'], message: 'must differ from src_lang' });
    }
    // Two entries the matcher cannot tell apart would make one of them silently dead.
    const firstIndex = new Map<string, number>();
    let chars = 0;
    body.entries.forEach((entry, i) => {
      chars += countChars(entry.source) + countChars(entry.target);
      const key = glossaryTermKey(entry.source, body.case_sensitive);
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, i);
      else {
        const same = body.case_sensitive ? 'the same source' : 'the same source (ignoring case)';
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'source'],
          message: `${same} as entries.${first}`,
        });
      }
    });
    if (chars > MAX_GLOSSARY_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['entries'],
        message: `must have at most ${MAX_GLOSSARY_CHARS.toLocaleString('en')} characters of terms in all`,
      });
    }
  });

/** A validated PUT body; `case_sensitive` is filled in. */
export type GlossaryBody = z.infer<typeof glossaryBody>;
