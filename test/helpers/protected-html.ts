/**
 * Stand-ins for a provider's html output in the text-protection unit tests: how a protected span
 * looks on the wire, and a "translation" that behaves as Google documents for `translate="no"`.
 */

/** The opening tag of a span the service protects. */
export const SPAN = '<span translate="no" class="notranslate tq-protected">';

/** A provider that honours `translate="no"`: uppercases every text node outside protected spans. */
export function uppercaseProse(html: string): string {
  return html
    .split(/(<span[^>]*tq-protected[^>]*>[\s\S]*?<\/span>|<[^>]+>|&#?\w+;)/)
    .map((part, i) => (i % 2 === 1 ? part : part.toUpperCase()))
    .join('');
}
