/**
 * Compiled glossaries of a worker process, by owner and name. A job names the version the API saw;
 * a glossary is loaded from Redis and compiled (up to 10,000 entries) only when no copy of that
 * version is held, so a run of jobs naming one glossary costs one load and one compile.
 */
import type { GlossaryReader } from '../../shared/glossaries/glossary-reader.js';
import type { GlossaryRef } from '../../shared/provider-request/shape.js';
import type { CompiledGlossary, GlossaryEntry, GlossaryOptions } from '../../shared/text-protection/index.js';

/** Glossaries held at once; past it the least recently used goes (each holds its terms). */
const MAX_HELD = 200;

export type CompileGlossary = (
  entries: readonly GlossaryEntry[],
  options: GlossaryOptions,
) => CompiledGlossary;

interface Held {
  version: string;
  compiled: Promise<CompiledGlossary | null>;
}

export class CompiledGlossaries {
  private readonly held = new Map<string, Held>();

  constructor(private readonly reader: GlossaryReader) {}

  /**
   * The glossary compiled at the version stored now; null when it no longer exists. An edit made
   * after the request was accepted is used as it is now: the newer terms are the team's intent.
   */
  get(ref: GlossaryRef, compile: CompileGlossary): Promise<CompiledGlossary | null> {
    const key = `${ref.owner}\u0000${ref.name}`;
    const held = this.held.get(key);
    if (held?.version === ref.version) {
      // Most recently used last.
      this.held.delete(key);
      this.held.set(key, held);
      return held.compiled;
    }
    const compiled = this.reader.get(ref.owner, ref.name).then((stored) => {
      if (!stored) {
        this.held.delete(key);
        return null;
      }
      if (stored.version !== ref.version) this.held.set(key, { version: stored.version, compiled });
      return compile(stored.entries, { caseSensitive: stored.case_sensitive });
    });
    // A failed load is not kept: the job retries and loads again.
    compiled.catch(() => {
      if (this.held.get(key)?.compiled === compiled) this.held.delete(key);
    });
    this.held.set(key, { version: ref.version, compiled });
    if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value!);
    return compiled;
  }
}
