import type { CompiledGlossary } from './glossary-matcher.js';
import { protectIcu, restoreIcu } from './icu-translation.js';
import { protectMarkdown, restoreMarkdown } from './markdown-translation.js';
import type { PlaceholderKind } from './placeholder-kinds.js';
import { protect, restore } from './text-protection.js';
import type { RestoreResult } from './verification.js';

/**
 * The one entry point the request path needs: whatever the format, a text becomes zero or more
 * provider texts in one provider format, and their translations (in the same order) become the
 * restored, checked text.
 */

export type ProtectedFormat = 'text' | 'html' | 'icu' | 'markdown';

export interface ProtectionSettings {
  format: ProtectedFormat;
  /** Resolved kinds (see `resolvePlaceholderKinds`); empty protects no placeholder. */
  placeholders: readonly PlaceholderKind[];
  glossary?: CompiledGlossary;
  /**
   * The retry method, for a second attempt after a failed check: opaque numbered tokens.
   * @default false
   */
  strict?: boolean;
}

export interface PreparedText {
  /** `html` whenever something is protected; a plain `text`/`html` request with nothing to protect keeps its format. */
  providerFormat: 'text' | 'html';
  /** May be empty (an ICU message or document with no prose): then nothing is sent and `restore([])` answers. */
  providerTexts: string[];
  /** Takes the provider's translations of `providerTexts`, in order. */
  restore(outputs: readonly string[]): RestoreResult;
}

/** Throws IcuSyntaxError for an invalid ICU message (a 400 `validation_failed` for the API). */
export function prepareText(text: string, settings: ProtectionSettings): PreparedText {
  const options = {
    kinds: settings.placeholders,
    glossary: settings.glossary,
    strict: settings.strict ?? false,
  };
  switch (settings.format) {
    case 'icu': {
      const prot = protectIcu(text, options);
      return {
        providerFormat: 'html',
        providerTexts: prot.providerTexts,
        restore: (outputs) => restoreIcu(prot, outputs),
      };
    }
    case 'markdown': {
      const prot = protectMarkdown(text, options);
      return {
        providerFormat: 'html',
        providerTexts: prot.providerTexts,
        restore: (outputs) => restoreMarkdown(prot, outputs),
      };
    }
    default: {
      const prot = protect(text, settings.format, settings.placeholders, options);
      return {
        providerFormat: prot.providerFormat,
        providerTexts: [prot.providerText],
        restore: (outputs) =>
          outputs[0] === undefined
            ? {
                ok: false,
                text: '',
                issues: [{ kind: 'placeholder_missing', detail: 'the provider returned no text' }],
              }
            : restore(outputs[0], prot),
      };
    }
  }
}
