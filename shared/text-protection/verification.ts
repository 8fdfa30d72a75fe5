/**
 * The one result every check in text protection returns. These `kind` strings become the
 * `qa.issues[].kind` and the `unsafe_output` details of the HTTP API, and metrics count failures
 * by them, so they are a public contract: add kinds, never rename one.
 */
export const VERIFICATION_ISSUE_KINDS = [
  /** A protected span (placeholder, inline code, URL...) was sent and did not come back. */
  'placeholder_missing',
  /** A protected span came back more times than it was sent. */
  'placeholder_duplicated',
  /** A protected span came back with different content (e.g. `{ name }`, `{nombre}`). */
  'placeholder_altered',
  /** Non-positional printf conversions (`%s`, `%d`) came back in another order: arguments would swap. */
  'placeholder_reordered',
  /** A glossary term's target is not where its source term was (or not as many times). */
  'glossary_term_missing',
  /** A glossary term's target came back more times than its source term appeared. */
  'glossary_term_duplicated',
  /** An ICU message (input or output) does not parse. */
  'icu_unparsable',
  /** An ICU argument (or `#`) is missing, added or renamed in the output. */
  'icu_argument_changed',
  /** The keys of a plural/select/selectordinal changed in the output. */
  'icu_key_changed',
  /** An ICU tag (`<b>...</b>`) was lost, duplicated or unbalanced in the output. */
  'icu_tag_changed',
  /** A Markdown code span or code block differs in the output. */
  'markdown_code_changed',
  /** A Markdown link, image or autolink URL differs in the output. */
  'markdown_url_changed',
  /** Inline HTML or an HTML block in Markdown differs in the output. */
  'markdown_html_changed',
  /** Emphasis, link text or other inline structure was lost or unbalanced in the output. */
  'markdown_structure_changed',
] as const;

export type VerificationIssueKind = (typeof VERIFICATION_ISSUE_KINDS)[number];

/**
 * `detail` names what broke for the caller. It quotes fragments of the caller's own text, so it
 * belongs in the response to that caller, never in logs or metric labels (count by `kind`).
 */
export interface VerificationIssue {
  kind: VerificationIssueKind;
  detail: string;
}

export type VerificationResult = { ok: true } | { ok: false; issues: VerificationIssue[] };

/** Folds a list of issues into the result type, so every check ends the same way. */
export function verificationResult(issues: readonly VerificationIssue[]): VerificationResult {
  return issues.length === 0 ? { ok: true } : { ok: false, issues: [...issues] };
}

/**
 * What every `restore*` function returns: the restored text even when checks failed, because a
 * request with `"on_unsafe": "return"` answers that text together with its issues.
 */
export type RestoreResult =
  { ok: true; text: string } | { ok: false; text: string; issues: VerificationIssue[] };

export function restoreResult(text: string, issues: readonly VerificationIssue[]): RestoreResult {
  return issues.length === 0 ? { ok: true, text } : { ok: false, text, issues: [...issues] };
}

/** Quotes a fragment in a detail message; long fragments are cut so details stay short. */
export function quote(fragment: string): string {
  const cut = fragment.length > 80 ? `${fragment.slice(0, 77)}...` : fragment;
  return JSON.stringify(cut);
}
