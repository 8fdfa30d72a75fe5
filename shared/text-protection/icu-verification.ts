import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { isPluralOrSelect, optionsInSourceOrder, parseIcuMessage } from './icu-message.js';
import {
  quote,
  verificationResult,
  type VerificationIssue,
  type VerificationResult,
} from './verification.js';

/**
 * What a translation of an ICU message must keep: the same argument names, the same keys in every
 * plural/select/selectordinal, and the same tags. Literal text is free to change.
 */
interface Structure {
  arguments: Set<string>;
  /** `name,type: key key key`, one entry per plural/select, sorted. */
  keys: string[];
  tags: string[];
  pounds: number;
}

function structureOf(
  ast: readonly MessageFormatElement[],
  into: Structure = { arguments: new Set(), keys: [], tags: [], pounds: 0 },
): Structure {
  for (const el of ast) {
    if (el.type === TYPE.literal) continue;
    if (el.type === TYPE.pound) into.pounds++;
    else if (el.type === TYPE.tag) {
      into.tags.push(el.value);
      structureOf(el.children, into);
    } else {
      into.arguments.add(el.value);
      if (isPluralOrSelect(el)) {
        const type =
          el.type === TYPE.select ? 'select' : el.pluralType === 'ordinal' ? 'selectordinal' : 'plural';
        const options = optionsInSourceOrder(el);
        into.keys.push(
          `${el.value},${type}: ${options
            .map(([key]) => key)
            .sort()
            .join(' ')}`,
        );
        for (const [, value] of options) structureOf(value, into);
      }
    }
  }
  return into;
}

export function verifyIcuStructure(
  source: readonly MessageFormatElement[],
  output: readonly MessageFormatElement[],
): VerificationIssue[] {
  const a = structureOf(source);
  const b = structureOf(output);
  const issues: VerificationIssue[] = [];
  const missing = [...a.arguments].filter((n) => !b.arguments.has(n));
  const added = [...b.arguments].filter((n) => !a.arguments.has(n));
  if (missing.length > 0 || added.length > 0) {
    issues.push({
      kind: 'icu_argument_changed',
      detail: `arguments missing: ${quote(missing.join(', '))}; added: ${quote(added.join(', '))}`,
    });
  }
  if (a.pounds !== b.pounds)
    issues.push({ kind: 'icu_argument_changed', detail: `# appears ${b.pounds} times, was ${a.pounds}` });
  const keysA = [...a.keys].sort().join('\n');
  const keysB = [...b.keys].sort().join('\n');
  if (keysA !== keysB)
    issues.push({
      kind: 'icu_key_changed',
      detail: `plural/select keys ${quote(keysA)} became ${quote(keysB)}`,
    });
  const tagsA = [...a.tags].sort().join(' ');
  const tagsB = [...b.tags].sort().join(' ');
  if (tagsA !== tagsB)
    issues.push({ kind: 'icu_tag_changed', detail: `tags ${quote(tagsA)} became ${quote(tagsB)}` });
  return issues;
}

/** Checks a translated message against its source; for use outside `restoreIcu` too (e.g. a model's answer). */
export function verifyIcu(source: string, output: string): VerificationResult {
  const sourceAst = parseIcuMessage(source);
  let outputAst: MessageFormatElement[];
  try {
    outputAst = parseIcuMessage(output);
  } catch (error) {
    return verificationResult([{ kind: 'icu_unparsable', detail: (error as Error).message }]);
  }
  return verificationResult(verifyIcuStructure(sourceAst, outputAst));
}
