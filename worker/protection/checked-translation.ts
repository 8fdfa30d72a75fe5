/**
 * The one place a worker protects texts and checks their translations (issue 13), used by the
 * sync processor and the batch chunk processor alike, in front of the provider chain:
 *
 *   prepareText (shared/text-protection) → provider (html, usually) → restore → checks
 *
 * A text whose checks fail is sent once more with the strict method (spans as opaque numbered
 * tokens). Still failing, it fails with `unsafe_output` (details name each broken check), or with
 * `"on_unsafe": "return"` comes back with `qa: {ok: false, issues}`; every checked text that
 * passes carries `qa: {ok: true}`. Jobs of an unchecked shape go straight to the provider as
 * before, without `qa`.
 *
 * Each outcome also says what the provider billed for its text (`billed`): the code points of
 * every provider text sent for it and translated, over both attempts. For a protected text that is
 * its prepared form (escaped html, ICU or Markdown prose segments), not the caller's text; a strict
 * retry is sent, and billed, again. Usage (`billed` per key) counts exactly this.
 */
import { ERROR_CODES, type ErrorDetail } from '../../shared/errors.js';
import type { EventBus } from '../../shared/events.js';
import { countChars } from '../../shared/provider-request/count-chars.js';
import { isChecked, type Shape } from '../../shared/provider-request/shape.js';
import type { QaReport, TextFormat } from '../../shared/schemas.js';
import type {
  PreparedText,
  ProtectionSettings,
  RestoreResult,
  VerificationIssue,
} from '../../shared/text-protection/index.js';
import type { ProviderFailure } from '../provider/classify-provider-error.js';
import type { ProviderTranslation, Translator } from '../provider/google-translator.js';
import { translateIsolating } from '../provider/translate-isolating.js';
import type { CompiledGlossaries } from './compiled-glossaries.js';

/** A translation, with what its checks found when the text was checked. */
export interface CheckedTranslation extends ProviderTranslation {
  qa?: QaReport;
}

export type CheckedOutcome = (
  { ok: true; translation: CheckedTranslation } | { ok: false; failure: ProviderFailure }
) & {
  /**
   * Code points the provider translated (and bills) for this text: what was sent for it, the
   * strict retry included; 0 for a text refused or never sent.
   */
  billed: number;
};

/** The texts of a job or chunk with their shape (the job's own fields, protection included). */
export type CheckedRequest = Shape & { texts: string[] };

type TextProtectionModule = typeof import('../../shared/text-protection/index.js');

/**
 * Loaded on the first checked job: the ICU parser and the Markdown parser cost memory a worker
 * that never sees a checked job need not pay.
 */
let textProtection: Promise<TextProtectionModule> | undefined;
function loadTextProtection(): Promise<TextProtectionModule> {
  return (textProtection ??= import('../../shared/text-protection/index.js'));
}

export interface CheckedTranslatorDeps {
  /** The tenants' glossaries; absent: a job naming a glossary fails its items with `not_found`. */
  glossaries?: CompiledGlossaries | undefined;
  /** Where checks and failed checks are reported (metrics). @default none */
  events?: EventBus | undefined;
}

/**
 * One attempt's result for one text: its restored, checked translation, or why it failed; and the
 * code points of its provider texts that the provider translated (billed even when the attempt failed).
 */
type Attempt = { failure: ProviderFailure; billed: number } | Restored;

interface Restored {
  result: RestoreResult;
  detected: string | undefined;
  billed: number;
}

export class CheckedTranslator {
  constructor(private readonly deps: CheckedTranslatorDeps = {}) {}

  /**
   * Translates the texts of one job or chunk, each with its own outcome (a text the provider
   * refuses, or whose output is unsafe, fails alone). Failures that are not about particular texts
   * (transient, quota, auth) are thrown, so the job is retried or failed as a whole.
   * @param together false: one provider request per text (PROVIDER_BATCHING=false). @default true
   */
  translate(translator: Translator, request: CheckedRequest, together = true): Promise<CheckedOutcome[]> {
    if (!isChecked(request)) {
      const { texts } = request;
      return translateIsolating(
        translator,
        providerRequest(request, texts, textFormat(request)),
        together,
      ).then((outcomes) => outcomes.map((o, i) => ({ ...o, billed: o.ok ? countChars(texts[i]!) : 0 })));
    }
    return this.translateChecked(translator, request, together);
  }

  private async translateChecked(
    translator: Translator,
    request: CheckedRequest,
    together: boolean,
  ): Promise<CheckedOutcome[]> {
    const lib = await loadTextProtection();
    const settings: ProtectionSettings = { format: request.format, placeholders: request.placeholders ?? [] };
    if (request.glossary) {
      const glossary = (await this.deps.glossaries?.get(request.glossary, lib.compileGlossary)) ?? 'deleted';
      if (typeof glossary === 'string') {
        const failure = glossary === 'changed' ? GLOSSARY_CHANGED : GLOSSARY_GONE;
        return request.texts.map(() => ({ ok: false, failure, billed: 0 }));
      }
      settings.glossary = glossary;
    }
    const all = request.texts.map((_, i) => i);
    const first = await this.attempt(lib, translator, request, all, settings, together);
    const outcomes = new Array<CheckedOutcome>(request.texts.length);
    const retry: number[] = [];
    first.forEach((attempt, i) => {
      if ('failure' in attempt) outcomes[i] = { ok: false, failure: attempt.failure, billed: attempt.billed };
      else if (attempt.result.ok) outcomes[i] = this.passed(request, attempt, 'ok');
      else {
        this.reportIssues(attempt.result.issues, 1);
        retry.push(i);
      }
    });
    if (retry.length === 0) return outcomes;
    const strict = { ...settings, strict: true };
    const second = await this.attempt(lib, translator, request, retry, strict, together);
    second.forEach((attempt, k) => {
      const i = retry[k]!;
      // Both attempts were sent: the first one's characters are billed too.
      const billed = first[i]!.billed + attempt.billed;
      if ('failure' in attempt) outcomes[i] = { ok: false, failure: attempt.failure, billed };
      else if (attempt.result.ok) outcomes[i] = this.passed(request, { ...attempt, billed }, 'retried');
      else {
        this.reportIssues(attempt.result.issues, 2);
        outcomes[i] = this.unsafe(request, { ...attempt, billed }, attempt.result.issues);
      }
    });
    return outcomes;
  }

  /**
   * Prepares the texts at `indexes`, sends their provider texts (grouped by provider format: a
   * text with nothing to protect keeps its own), and restores each text from its answers.
   */
  private async attempt(
    lib: TextProtectionModule,
    translator: Translator,
    request: CheckedRequest,
    indexes: readonly number[],
    settings: ProtectionSettings,
    together: boolean,
  ): Promise<Attempt[]> {
    const prepared = indexes.map((i): PreparedText | ProviderFailure => {
      try {
        return lib.prepareText(request.texts[i]!, settings);
      } catch (err) {
        // The API parsed it already; job data is untrusted all the same.
        if (err instanceof lib.IcuSyntaxError) return invalidMessage(err.message);
        throw err;
      }
    });
    const outputs = prepared.map((p) =>
      'providerTexts' in p ? new Array<string>(p.providerTexts.length) : [],
    );
    const failures: (ProviderFailure | undefined)[] = [];
    const detected: (string | undefined)[] = [];
    const billed = new Array<number>(prepared.length).fill(0);
    const groups = new Map<TextFormat, { texts: string[]; at: [k: number, j: number][] }>();
    prepared.forEach((p, k) => {
      // A text with no prose (an ICU message of arguments only) sends nothing.
      if (!('providerTexts' in p) || p.providerTexts.length === 0) return;
      let group = groups.get(p.providerFormat);
      if (!group) groups.set(p.providerFormat, (group = { texts: [], at: [] }));
      p.providerTexts.forEach((text, j) => {
        group.texts.push(text);
        group.at.push([k, j]);
      });
    });
    await Promise.all(
      [...groups].map(([format, { texts, at }]) =>
        translateIsolating(translator, providerRequest(request, texts, format), together).then((sent) =>
          sent.forEach((outcome, n) => {
            const [k, j] = at[n]!;
            if (!outcome.ok) failures[k] ??= outcome.failure;
            else {
              billed[k]! += countChars(texts[n]!);
              outputs[k]![j] = outcome.translation.text;
              detected[k] ??= outcome.translation.detectedSource;
            }
          }),
        ),
      ),
    );
    return prepared.map((p, k): Attempt => {
      if (!('providerTexts' in p)) return { failure: p, billed: 0 };
      const failure = failures[k];
      if (failure) return { failure, billed: billed[k]! };
      return { result: p.restore(outputs[k]!), detected: detected[k], billed: billed[k]! };
    });
  }

  private passed(request: CheckedRequest, attempt: Restored, outcome: 'ok' | 'retried'): CheckedOutcome {
    this.deps.events?.emit('protection:checked', { format: request.format, outcome });
    const { result, detected, billed } = attempt;
    return { ok: true, translation: translation(result.text, detected, { ok: true }), billed };
  }

  private unsafe(
    request: CheckedRequest,
    attempt: Restored,
    issues: readonly VerificationIssue[],
  ): CheckedOutcome {
    this.deps.events?.emit('protection:checked', { format: request.format, outcome: 'unsafe' });
    const { result, detected, billed } = attempt;
    const reported = issues.map((issue) => ({ kind: issue.kind, message: issue.detail }));
    if (request.on_unsafe === 'return') {
      return {
        ok: true,
        translation: translation(result.text, detected, { ok: false, issues: reported }),
        billed,
      };
    }
    return { ok: false, failure: unsafeOutput(reported), billed };
  }

  private reportIssues(issues: readonly VerificationIssue[], attempt: 1 | 2): void {
    const { events } = this.deps;
    if (!events) return;
    for (const issue of issues) events.emit('protection:issue', { kind: issue.kind, attempt });
  }
}

function translation(text: string, detected: string | undefined, qa: QaReport): CheckedTranslation {
  return { text, ...(detected ? { detectedSource: detected } : {}), qa };
}

/** An unchecked shape's format is one the provider knows. */
function textFormat(shape: Shape): TextFormat {
  return shape.format === 'html' ? 'html' : 'text';
}

/** The provider request for some texts of a job: its languages and model, nothing of the job's own. */
function providerRequest(shape: Shape, texts: string[], format: TextFormat) {
  return {
    texts,
    target: shape.target,
    format,
    ...(shape.source ? { source: shape.source } : {}),
    ...(shape.model ? { model: shape.model } : {}),
  };
}

/**
 * The item failure of a text whose translation failed its checks twice. Its details quote the
 * caller's own text: they go to that caller only, never into a log line or a job's failedReason.
 */
export function unsafeOutput(details: ErrorDetail[]): ProviderFailure {
  const kinds = [...new Set(details.map((d) => String(d.kind)))].join(', ');
  return {
    kind: 'permanent',
    code: 'unsafe_output',
    message: `The translation failed its checks (${kinds}), also when retried.`,
    details,
  };
}

const GLOSSARY_GONE: ProviderFailure = {
  kind: 'permanent',
  code: 'not_found',
  message: 'The glossary named by the request no longer exists.',
};

/** See compiled-glossaries.ts: never the new content's translation under the old version's key. */
const GLOSSARY_CHANGED: ProviderFailure = {
  kind: 'permanent',
  code: 'glossary_changed',
  message: ERROR_CODES.glossary_changed.message,
};

function invalidMessage(parserMessage: string): ProviderFailure {
  return { kind: 'permanent', code: 'validation_failed', message: `Invalid ICU message: ${parserMessage}` };
}
