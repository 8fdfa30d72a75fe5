/**
 * A fault for testing text protection: the next `count` translate requests in html format come
 * back with every `translate="no"` (or `class="notranslate"`) element removed from their output,
 * as if the provider had dropped protected content. Google documents that it keeps such content;
 * this is what the service's checks exist for, so tests need a way to break the promise.
 * Control route: `POST /__emulator/drop-protected {"count": N}` → `{"remaining": N}`.
 */

const PROTECTED_ELEMENT =
  /<span\b[^>]*(?:\btranslate\s*=\s*["']?no\b|\bclass\s*=\s*["'][^"']*\bnotranslate\b)[^>]*>[\s\S]*?<\/span\s*>/gi;

export class ProtectedSpanFault {
  private remaining = 0;

  /** The next `count` html translate requests lose their protected elements (0 turns it off). */
  set(count: number): number {
    this.remaining = Math.max(0, Math.floor(count));
    return this.remaining;
  }

  get pending(): number {
    return this.remaining;
  }

  /** Applied to each successful translate answer; changes only html ones while requests remain. */
  apply(format: string | undefined, translations: { translatedText: string }[]): void {
    if (format !== 'html' || this.remaining === 0) return;
    this.remaining -= 1;
    for (const t of translations) t.translatedText = t.translatedText.replace(PROTECTED_ELEMENT, '');
  }
}
