import { TYPE, type MessageFormatElement, type TagElement } from '@formatjs/icu-messageformat-parser';
import type { CompiledGlossary } from './glossary-matcher.js';
import {
  isPluralOrSelect,
  optionsInSourceOrder,
  parseIcuMessage,
  printIcu,
  type PluralOrSelect,
} from './icu-message.js';
import { verifyIcuStructure } from './icu-verification.js';
import type { PlaceholderKind } from './placeholder-kinds.js';
import { protectTextPieces } from './text-protection.js';
import {
  readUnit,
  renderUnit,
  type Piece,
  type ProtectedUnit,
  type RestoredPiece,
} from './protected-unit.js';
import { quote, restoreResult, type RestoreResult, type VerificationIssue } from './verification.js';

/**
 * Translating an ICU message: only literal text goes to the provider. Each message body (the top
 * level, and each plural/select branch) is one unit, sent whole with its arguments and `#` as
 * protected spans and its tags as html elements, so a branch is translated in context ("# files")
 * rather than cut into fragments. A nested plural/select is a protected span in its parent's unit
 * and its branches are units of their own.
 */

export interface IcuProtectOptions {
  /** Placeholder kinds also protected inside literal text (e.g. `%s` in an ICU string). */
  kinds?: readonly PlaceholderKind[];
  glossary?: CompiledGlossary;
  /** @default false */
  strict?: boolean;
}

/** One message body: its pieces, and what each span and element stands for in the AST. */
interface IcuUnit {
  readonly elements: readonly MessageFormatElement[];
  readonly unit: ProtectedUnit;
  /** Whether this unit goes to the provider: a body without letters (`{#}`) is kept as it is. */
  readonly sent: boolean;
  /** By span index: the element a span stands for, or undefined for a text span (placeholder, term). */
  readonly spanElements: ReadonlyArray<MessageFormatElement | undefined>;
  readonly tags: ReadonlyMap<number, TagElement>;
}

export interface ProtectedIcu {
  readonly providerFormat: 'html';
  /** One provider text per unit that has prose, in order; `restoreIcu` takes the answers in that order. */
  readonly providerTexts: string[];
  readonly source: string;
  readonly ast: MessageFormatElement[];
  readonly units: readonly IcuUnit[];
  /** For each nested plural/select, the unit index of each branch, by key. */
  readonly branches: ReadonlyMap<PluralOrSelect, ReadonlyMap<string, number>>;
}

/** Parses (throws IcuSyntaxError) and prepares the message's units for the provider. */
export function protectIcu(message: string, options: IcuProtectOptions = {}): ProtectedIcu {
  const ast = parseIcuMessage(message);
  const units: IcuUnit[] = [];
  const branches = new Map<PluralOrSelect, Map<string, number>>();
  const addUnit = (elements: readonly MessageFormatElement[]): number => {
    const index = units.length;
    units.push(undefined as unknown as IcuUnit); // reserve the index: branches are numbered after their parent
    const structure: MessageFormatElement[] = [];
    const tags = new Map<number, TagElement>();
    const pieces = protectTextPieces(
      icuPieces(elements, structure, tags),
      options.kinds ?? [],
      options.glossary,
    );
    // Spans found in literal text (placeholders, terms) stand for no element.
    let nextElement = 0;
    const spanElements = pieces.flatMap((p) =>
      p.type !== 'span' ? [] : [p.kind.startsWith('icu_') ? structure[nextElement++] : undefined],
    );
    const sent = pieces.some((p) => p.type === 'text' && /\p{L}/u.test(p.text));
    units[index] = {
      elements,
      unit: renderUnit(pieces, 'text', options.strict ?? false),
      sent,
      spanElements,
      tags,
    };
    for (const el of spanElements) if (el && isPluralOrSelect(el)) branches.set(el, new Map());
    for (const el of spanElements) {
      if (!el || !isPluralOrSelect(el)) continue;
      for (const [key, value] of optionsInSourceOrder(el)) branches.get(el)!.set(key, addUnit(value));
    }
    return index;
  };
  addUnit(ast);
  const providerTexts = units.filter((u) => u.sent).map((u) => u.unit.providerText);
  return { providerFormat: 'html', providerTexts, source: message, ast, units, branches };
}

/** Literal text is prose; tags become elements; everything else is a span standing for its element. */
function icuPieces(
  elements: readonly MessageFormatElement[],
  spanElements: Array<MessageFormatElement | undefined>,
  tags: Map<number, TagElement>,
): Piece[] {
  const pieces: Piece[] = [];
  for (const el of elements) {
    if (el.type === TYPE.literal) pieces.push({ type: 'text', text: el.value });
    else if (el.type === TYPE.tag) {
      const id = tags.size;
      tags.set(id, el);
      pieces.push({ type: 'open', tag: 'span', id }, ...icuPieces(el.children, spanElements, tags), {
        type: 'close',
        tag: 'span',
        id,
      });
    } else {
      spanElements.push(el);
      const kind =
        el.type === TYPE.pound ? 'icu_pound' : isPluralOrSelect(el) ? 'icu_nested' : 'icu_argument';
      // The value names the element for the provider in non-strict mode; it is never printed back.
      pieces.push({ type: 'span', kind, value: el.type === TYPE.pound ? '#' : `{${el.value}}` });
    }
  }
  return pieces;
}

/**
 * Rebuilds the message from the provider's answers (one per sent unit, in order), prints it as
 * ICU, parses it again and checks it keeps the source's arguments, keys, `#` and tags.
 */
export function restoreIcu(prot: ProtectedIcu, outputs: readonly string[]): RestoreResult {
  const issues: VerificationIssue[] = [];
  let next = 0;
  const restored = prot.units.map((u) => {
    if (!u.sent) return identityPieces(u.unit);
    const output = outputs[next++];
    if (output === undefined) {
      issues.push({ kind: 'icu_unparsable', detail: 'the provider returned fewer texts than were sent' });
      return identityPieces(u.unit);
    }
    const read = readUnit(output, u.unit, 'icu_tag_changed');
    issues.push(...read.issues);
    return read.pieces;
  });
  const build = (index: number): MessageFormatElement[] => rebuild(prot, index, restored[index]!, build);
  const text = printIcu(prot.source, build(0));
  try {
    const structure = verifyIcuStructure(prot.ast, parseIcuMessage(text));
    // A lost span already explains the structure it breaks; report the structure only when no span did.
    if (issues.length === 0) issues.push(...structure);
  } catch (error) {
    issues.push({
      kind: 'icu_unparsable',
      detail: `the output ${quote(text)} does not parse: ${(error as Error).message}`,
    });
  }
  return restoreResult(text, dedupe(issues));
}

function identityPieces(unit: ProtectedUnit): RestoredPiece[] {
  let span = 0;
  return unit.pieces.map((p): RestoredPiece => (p.type === 'span' ? { type: 'span', index: span++ } : p));
}

/** Turns a unit's restored pieces back into elements; tags nest by their open/close pieces. */
function rebuild(
  prot: ProtectedIcu,
  index: number,
  pieces: readonly RestoredPiece[],
  build: (index: number) => MessageFormatElement[],
): MessageFormatElement[] {
  const u = prot.units[index]!;
  const root: MessageFormatElement[] = [];
  const stack: MessageFormatElement[][] = [root];
  const top = () => stack[stack.length - 1]!;
  for (const piece of pieces) {
    if (piece.type === 'text') top().push({ type: TYPE.literal, value: piece.text });
    else if (piece.type === 'open') {
      const tag: TagElement = { type: TYPE.tag, value: u.tags.get(piece.id)?.value ?? 'span', children: [] };
      top().push(tag);
      stack.push(tag.children);
    } else if (piece.type === 'close') {
      if (stack.length > 1) stack.pop();
    } else {
      const el = u.spanElements[piece.index];
      const span = u.unit.spans[piece.index]!;
      if (!el) top().push({ type: TYPE.literal, value: span.value });
      else if (isPluralOrSelect(el)) top().push(withBranches(el, prot.branches.get(el)!, build));
      else top().push(el);
    }
  }
  return keepSourceSpelling(root, u.elements);
}

function withBranches(
  el: PluralOrSelect,
  keys: ReadonlyMap<string, number>,
  build: (index: number) => MessageFormatElement[],
): PluralOrSelect {
  const options: PluralOrSelect['options'] = {};
  for (const [key, option] of Object.entries(el.options))
    options[key] = { ...option, value: build(keys.get(key)!) };
  return { ...el, options } as PluralOrSelect;
}

/**
 * Merges adjacent literals and, where a literal reads exactly as one in the source, uses the
 * source element, so untranslated text keeps its own quoting when printed.
 */
function keepSourceSpelling(
  elements: MessageFormatElement[],
  source: readonly MessageFormatElement[],
): MessageFormatElement[] {
  const merged: MessageFormatElement[] = [];
  for (const el of elements) {
    const last = merged[merged.length - 1];
    if (el.type === TYPE.literal && last?.type === TYPE.literal)
      merged[merged.length - 1] = { type: TYPE.literal, value: last.value + el.value };
    else
      merged.push(
        el.type === TYPE.tag
          ? { ...el, children: keepSourceSpelling(el.children, tagChildren(source, el.value)) }
          : el,
      );
  }
  return merged.map((el) =>
    el.type === TYPE.literal && !el.location
      ? (source.find((s) => s.type === TYPE.literal && s.value === el.value) ?? el)
      : el,
  );
}

function tagChildren(source: readonly MessageFormatElement[], name: string): MessageFormatElement[] {
  const tag = source.find((s): s is TagElement => s.type === TYPE.tag && s.value === name);
  return tag?.children ?? [];
}

function dedupe(issues: VerificationIssue[]): VerificationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.kind}\u0000${i.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
