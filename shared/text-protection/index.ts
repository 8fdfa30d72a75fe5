/**
 * Text protection and verification (issue 13): pure functions, no I/O. The request path calls
 * `prepareText` before the provider and `restore` after it; the rest is exported for tests and
 * for checking translations that did not go through `prepareText`.
 */
export {
  prepareText,
  type PreparedText,
  type ProtectedFormat,
  type ProtectionSettings,
} from './prepared-text.js';
export {
  AUTO_PLACEHOLDER_KINDS,
  PLACEHOLDER_KINDS,
  resolvePlaceholderKinds,
  type PlaceholderKind,
  type PlaceholderSetting,
} from './placeholder-kinds.js';
export { findPlaceholders, type PlaceholderMatch } from './placeholder-scanner.js';
export {
  protect,
  restore,
  type ProtectOptions,
  type ProtectedSpan,
  type ProtectedText,
} from './text-protection.js';
export {
  compileGlossary,
  findGlossaryTerms,
  type CompiledGlossary,
  type GlossaryEntry,
  type GlossaryMatch,
  type GlossaryOptions,
} from './glossary-matcher.js';
export { IcuSyntaxError, parseIcuMessage } from './icu-message.js';
export { protectIcu, restoreIcu, type IcuProtectOptions, type ProtectedIcu } from './icu-translation.js';
export { verifyIcu } from './icu-verification.js';
export {
  protectMarkdown,
  restoreMarkdown,
  type MarkdownProtectOptions,
  type ProtectedMarkdown,
} from './markdown-translation.js';
export { verifyMarkdown } from './markdown-verification.js';
export {
  VERIFICATION_ISSUE_KINDS,
  type RestoreResult,
  type VerificationIssue,
  type VerificationIssueKind,
  type VerificationResult,
} from './verification.js';
