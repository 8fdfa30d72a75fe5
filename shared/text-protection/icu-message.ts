import {
  parse,
  TYPE,
  type MessageFormatElement,
  type PluralElement,
  type SelectElement,
} from '@formatjs/icu-messageformat-parser';
import { doPrintAST } from '@formatjs/icu-messageformat-parser/printer.js';

/**
 * ICU MessageFormat: parsing, and checking that a translated message keeps the structure of its
 * source. Splitting a message into units and rebuilding it lives in icu-translation.ts.
 */

/** An invalid ICU message; `message` is the parser's own, with where it stopped. */
export class IcuSyntaxError extends Error {
  override readonly name = 'IcuSyntaxError';
  constructor(
    /** The parser's error name, e.g. `MISSING_OTHER_CLAUSE`. */
    readonly parserMessage: string,
    readonly offset: number | undefined,
  ) {
    super(offset === undefined ? parserMessage : `${parserMessage} at offset ${offset}`);
  }
}

/**
 * Parses a message with locations and the source spelling of literals, which the rebuild needs to
 * keep untranslated parts byte-for-byte. Throws IcuSyntaxError.
 */
export function parseIcuMessage(message: string): MessageFormatElement[] {
  try {
    return parse(message, { captureLocation: true, captureEscapes: true, requiresOtherClause: true });
  } catch (error) {
    const offset = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset;
    throw new IcuSyntaxError(error instanceof Error ? error.message : String(error), offset);
  }
}

export type PluralOrSelect = PluralElement | SelectElement;

export function isPluralOrSelect(el: MessageFormatElement): el is PluralOrSelect {
  return el.type === TYPE.plural || el.type === TYPE.select;
}

/** Options in source order (object key order puts integer-like select keys first). */
export function optionsInSourceOrder(
  el: PluralOrSelect,
): Array<[string, MessageFormatElement[], number, number]> {
  return Object.entries(el.options)
    .map(
      ([key, option]) =>
        [key, option.value, option.location?.start.offset ?? 0, option.location?.end.offset ?? 0] as [
          string,
          MessageFormatElement[],
          number,
          number,
        ],
    )
    .sort((a, b) => a[2] - b[2]);
}

/**
 * Prints elements back as ICU. Untranslated elements that carry a source location are copied
 * from the source byte-for-byte (so an identity translation returns the message unchanged, key
 * order and spacing included); new literal text is escaped by the library's own printer.
 */
export function printIcu(
  source: string,
  elements: readonly MessageFormatElement[],
  inPlural = false,
): string {
  let out = '';
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!;
    if (el.type === TYPE.literal) {
      // Adjacent literals (translated text around a restored placeholder) print as one.
      let value = el.value;
      let original = el.location ? el : undefined;
      while (elements[i + 1]?.type === TYPE.literal) {
        const next = elements[++i] as typeof el;
        value += next.value;
        original = undefined;
      }
      out += original?.location
        ? source.slice(original.location.start.offset, original.location.end.offset)
        : doPrintAST([{ type: TYPE.literal, value }], inPlural, false);
    } else if (el.type === TYPE.tag) {
      out += `<${el.value}>${printIcu(source, el.children, inPlural)}</${el.value}>`;
    } else if (isPluralOrSelect(el) && el.location) {
      out += printPluralOrSelect(source, el);
    } else if (el.location) {
      out += source.slice(el.location.start.offset, el.location.end.offset);
    } else {
      out += doPrintAST([el], inPlural, false);
    }
  }
  return out;
}

/** The argument header, keys and spacing come from the source; only branch contents are printed. */
function printPluralOrSelect(source: string, el: PluralOrSelect): string {
  const inPlural = el.type === TYPE.plural;
  let at = el.location!.start.offset;
  let out = '';
  for (const [, value, start, end] of optionsInSourceOrder(el)) {
    out += source.slice(at, start) + '{' + printIcu(source, value, inPlural) + '}';
    at = end;
  }
  return out + source.slice(at, el.location!.end.offset);
}
