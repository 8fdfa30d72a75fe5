/**
 * Compiled glossaries of a worker process, by owner, name and version. A job names the version the
 * API saw (it is part of the job's cache keys); a glossary is loaded from Redis and compiled (up to
 * 10,000 entries) only when no copy of that version is held, so a run of jobs naming one glossary
 * costs one load and one compile.
 *
 * A glossary edited after a request was accepted: the job's version is used when this process still
 * holds it (the translation is then exactly what its cache key names); otherwise the store has only
 * the new content, and translating with it would cache the new content's translation under the old
 * version's key, so the job's texts fail with `glossary_changed` (409: send the request again, it
 * gets the new version). The new version is compiled and held for the jobs that name it.
 */
import type { GlossaryReader } from '../../shared/glossaries/glossary-reader.js';
import type { GlossaryRef } from '../../shared/provider-request/shape.js';
import type { CompiledGlossary, GlossaryEntry, GlossaryOptions } from '../../shared/text-protection/index.js';

/** Glossary versions held at once; past it the least recently used goes (each holds its terms). */
const MAX_HELD = 200;

export type CompileGlossary = (
  entries: readonly GlossaryEntry[],
  options: GlossaryOptions,
) => CompiledGlossary;

/**
 * The glossary at the job's version; `deleted`: the owner has no glossary of that name any more;
 * `changed`: it was edited since, and the job's version is not held here.
 */
export type GlossaryLookup = CompiledGlossary | 'deleted' | 'changed';

export class CompiledGlossaries {
  /** By `owner NUL name NUL version`, least recently used first. */
  private readonly held = new Map<string, Promise<GlossaryLookup>>();

  constructor(private readonly reader: GlossaryReader) {}

  get(ref: GlossaryRef, compile: CompileGlossary): Promise<GlossaryLookup> {
    const key = heldKey(ref.owner, ref.name, ref.version);
    const held = this.held.get(key);
    if (held) {
      this.hold(key, held); // most recently used last
      return held;
    }
    const lookup = this.reader.get(ref.owner, ref.name).then((stored): GlossaryLookup => {
      if (!stored) return 'deleted';
      const compiled = compile(stored.entries, { caseSensitive: stored.case_sensitive });
      if (stored.version === ref.version) return compiled;
      const current = heldKey(ref.owner, ref.name, stored.version);
      if (!this.held.has(current)) this.hold(current, Promise.resolve(compiled));
      return 'changed';
    });
    this.hold(key, lookup);
    // Only a compiled glossary stays held: a failed load is retried with the job, and a version
    // not found now may be stored again (the version is a digest of the content).
    const forget = () => {
      if (this.held.get(key) === lookup) this.held.delete(key);
    };
    lookup.then((found) => typeof found === 'string' && forget(), forget);
    return lookup;
  }

  private hold(key: string, lookup: Promise<GlossaryLookup>): void {
    this.held.delete(key);
    this.held.set(key, lookup);
    if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value!);
  }
}

function heldKey(owner: string, name: string, version: string): string {
  return `${owner}\u0000${name}\u0000${version}`;
}
