/**
 * The shape of a provider request: everything but the texts. Texts of one shape can share a
 * provider request; texts of different shapes never do. Every grouping (the API's packs, the
 * worker's batcher, the batch planner) keys its groups with `shapeKey`.
 */
import type { TextFormat } from '../schemas.js';

export interface Shape {
  target: string;
  /** Absent: the provider detects the source language of each text. */
  source?: string | undefined;
  format: TextFormat;
  /** Google's model (`nmt`, `base`); absent: Google's default. */
  model?: string | undefined;
  // Translation options that change the provider request (placeholders, glossary, ...) go here,
  // and into shapeKey.
}

/**
 * One string per distinct shape. NUL cannot occur in a language code, format or model, so the
 * fields cannot run into each other; a template string is the cheapest key on the hot path.
 */
export function shapeKey(shape: Shape): string {
  return `${shape.target}\u0000${shape.source ?? ''}\u0000${shape.format}\u0000${shape.model ?? ''}`;
}
