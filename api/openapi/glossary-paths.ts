/** The glossary API in the OpenAPI document: /v1/glossaries and /v1/glossaries/{name}. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Config } from '../../shared/config.js';
import {
  GLOSSARY_BODY_LIMIT_BYTES,
  glossaryBody,
  glossaryEntry,
  MAX_GLOSSARY_CHARS,
  MAX_GLOSSARY_ENTRIES,
  MAX_GLOSSARY_TERM_CHARS,
} from '../../shared/glossaries/glossary-schema.js';
import type { GlossarySummary, StoredGlossary } from '../../shared/glossaries/glossary-store.js';
import { glossaryName } from '../../shared/schemas.js';
import { error, json } from './openapi-parts.js';
import { v1Access } from './security-schemes.js';

const nameParam = z.object({ name: glossaryName.meta({ description: 'The glossary of this API key.' }) });

const glossarySummary = z
  .object({
    name: z.string(),
    version: z.string().meta({
      description: 'A digest of the content: changes when and only when the entries, languages or case do.',
    }),
    src_lang: z.string(),
    tgt_lang: z.string(),
    case_sensitive: z.boolean(),
    entry_count: z.number().int().min(1),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'GlossarySummary' });

const glossaryResponse = glossarySummary.extend({ entries: z.array(glossaryEntry) }).meta({ id: 'Glossary' });

export function registerGlossaryPaths(registry: OpenAPIRegistry, config: Config): void {
  const { security, unauthorized } = v1Access(config);
  const secured = security && { security };
  const unavailable = error('`unavailable`: Redis is away (`Retry-After`).');
  const missing = error(
    "`not_found`: no glossary of that name for this API key (another key's is not seen).",
  );
  registry.registerPath({
    method: 'get',
    path: '/v1/glossaries',
    summary: "List this API key's glossaries",
    ...secured,
    responses: {
      200: {
        description: 'By name, without entries.',
        content: json(z.object({ glossaries: z.array(glossarySummary) }).meta({ id: 'GlossaryList' })),
      },
      ...unauthorized,
      503: unavailable,
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/glossaries/{name}',
    summary: 'Create or replace a glossary',
    description: `At most ${MAX_GLOSSARY_ENTRIES.toLocaleString('en')} entries, terms of at most ${MAX_GLOSSARY_TERM_CHARS} characters, ${MAX_GLOSSARY_CHARS.toLocaleString('en')} characters of terms in all, a body of at most ${GLOSSARY_BODY_LIMIT_BYTES / 1024 / 1024} MiB. Two entries may not have the same source (ignoring case unless \`case_sensitive\`).`,
    ...secured,
    request: {
      params: nameParam,
      body: { required: true, content: json(glossaryBody.meta({ id: 'GlossaryRequest' })) },
    },
    responses: {
      200: { description: 'Replaced.', content: json(glossarySummary) },
      201: { description: 'Created (`Location` names it).', content: json(glossarySummary) },
      400: error('`validation_failed` (`details` name each problem) or `invalid_json`.'),
      ...unauthorized,
      413: error('`payload_too_large`.'),
      415: error('`unsupported_media_type`.'),
      503: unavailable,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/glossaries/{name}',
    summary: 'Read a glossary with its entries',
    ...secured,
    request: { params: nameParam },
    responses: {
      200: { description: 'The glossary.', content: json(glossaryResponse) },
      ...unauthorized,
      404: missing,
      503: unavailable,
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/glossaries/{name}',
    summary: 'Delete a glossary',
    ...secured,
    request: { params: nameParam },
    responses: { 204: { description: 'Deleted.' }, ...unauthorized, 404: missing, 503: unavailable },
  });
}

// Compile-time guards: the route answers StoredGlossary / GlossarySummary without `owner`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const summaryMatches: Same<z.infer<typeof glossarySummary>, Omit<GlossarySummary, 'owner'>> = true;
const glossaryMatches: Same<
  z.infer<typeof glossaryResponse>,
  Omit<StoredGlossary, 'owner'> & { entry_count: number }
> = true;
void summaryMatches;
void glossaryMatches;
