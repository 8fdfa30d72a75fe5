import type { GlossaryEntry } from '../text-protection/glossary-matcher.js';

/**
 * What the request path reads of a tenant's glossaries: the API asks for the version (one HGET per
 * request naming a glossary: 404 when there is none; the version joins the cache key and the job),
 * the worker loads the entries when its compiled copy is of another version. The glossary store
 * (shared/glossaries/glossary-store.ts, GlossaryStore) implements it; the request path depends on
 * this much only.
 */
export interface GlossaryReader {
  /** The glossary's version, or null when `owner` has no glossary `name`. */
  version(owner: string, name: string): Promise<string | null>;
  get(owner: string, name: string): Promise<ReadGlossary | null>;
}

/** The fields of a stored glossary the request path uses. */
export interface ReadGlossary {
  version: string;
  case_sensitive: boolean;
  entries: readonly GlossaryEntry[];
}
