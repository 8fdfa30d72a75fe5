/**
 * The shape of a provider request: everything but the texts. Texts of one shape can share a
 * provider request; texts of different shapes never do. Every grouping (the API's packs, the
 * worker's batcher, the batch planner) keys its groups with `shapeKey`.
 */
import type { RequestFormat } from '../schemas.js';
import type { PlaceholderKind } from '../text-protection/placeholder-kinds.js';

/** A tenant's glossary at one version: what a protected text's terms are matched against. */
export interface GlossaryRef {
  /** The tenant that owns it (glossaries are per tenant). */
  owner: string;
  name: string;
  /** Changes whenever the content does; part of the cache key. */
  version: string;
}

export interface Shape {
  target: string;
  /** Absent: the provider detects the source language of each text. */
  source?: string | undefined;
  /**
   * The request's format. `icu` and `markdown` never reach the provider as such: the worker's
   * protection step (worker/protection/) sends their prose as html.
   */
  format: RequestFormat;
  /** Google's model (`nmt`, `base`); absent: Google's default. */
  model?: string | undefined;
  /** Placeholder kinds protected, sorted (resolvePlaceholderKinds); absent: none. */
  placeholders?: readonly PlaceholderKind[] | undefined;
  /** Glossary whose terms are protected and replaced; absent: none. */
  glossary?: GlossaryRef | undefined;
  /** A result failing its checks comes back with `qa` instead of failing; only on checked shapes. */
  on_unsafe?: 'return' | undefined;
}

/**
 * Whether texts of this shape are protected and their translations checked (issue 13). An
 * unchecked shape is today's request: sent as is, answered without `qa`.
 */
export function isChecked(shape: Shape): boolean {
  return (
    shape.format === 'icu' ||
    shape.format === 'markdown' ||
    (shape.placeholders !== undefined && shape.placeholders.length > 0) ||
    shape.glossary !== undefined
  );
}

/**
 * One string per distinct shape. NUL cannot occur in a language code, format or model, so the
 * fields cannot run into each other; a template string is the cheapest key on the hot path, and an
 * unchecked shape pays nothing for the protection fields.
 */
export function shapeKey(shape: Shape): string {
  const base = `${shape.target}\u0000${shape.source ?? ''}\u0000${shape.format}\u0000${shape.model ?? ''}`;
  if (shape.placeholders === undefined && shape.glossary === undefined && shape.on_unsafe === undefined)
    return base;
  const g = shape.glossary;
  return `${base}\u0000${shape.placeholders?.join(',') ?? ''}\u0000${g ? `${g.owner}\u0001${g.name}\u0001${g.version}` : ''}\u0000${shape.on_unsafe ?? ''}`;
}
