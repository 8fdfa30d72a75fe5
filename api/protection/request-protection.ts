/**
 * The API's part of text protection (issue 13), for sync requests and batch items alike: turn a
 * request's protection fields into the fields of its Shape, refuse an ICU message that does not
 * parse (400 with the parser's message) and a glossary the caller does not have (404). The work
 * itself (protecting, checking) happens in the worker (worker/protection/): API CPU and memory
 * are what the benchmarks measure.
 */
import type { GlossaryReader } from '../../shared/glossaries/glossary-reader.js';
import { NotFoundError } from '../../shared/errors.js';
import { isChecked, type GlossaryRef, type Shape } from '../../shared/provider-request/shape.js';
import type { ProtectionFields, RequestFormat } from '../../shared/schemas.js';
import { resolvePlaceholderKinds } from '../../shared/text-protection/placeholder-kinds.js';

/** A request's protection as Shape fields, before its glossary (if any) is looked up. */
export type ProtectionShape = Pick<Shape, 'placeholders' | 'on_unsafe'> & { format: RequestFormat };

/**
 * The Shape fields of a request's protection. Nothing asked for: `{format}` alone, today's shape.
 * `on_unsafe` counts only on a checked shape, and only `return` is recorded (fail is the default).
 */
export function protectionShape(fields: ProtectionFields): ProtectionShape {
  // Most requests name none of these: they pay one check, no allocation beyond the result.
  if (fields.placeholders === undefined && fields.glossary === undefined && fields.on_unsafe === undefined)
    return { format: fields.format ?? 'text' };
  const kinds = resolvePlaceholderKinds(fields.placeholders);
  const shape: ProtectionShape = {
    format: fields.format ?? 'text',
    ...(kinds.length > 0 ? { placeholders: kinds } : {}),
  };
  const checked = isChecked({ target: '', ...shape }) || fields.glossary !== undefined;
  if (checked && fields.on_unsafe === 'return') shape.on_unsafe = 'return';
  return shape;
}

type IcuParser = typeof import('../../shared/text-protection/icu-message.js');
let icuParser: Promise<IcuParser> | undefined;

/** Why an ICU message does not parse (the parser's message), or undefined when it does. */
export type IcuCheck = (message: string) => string | undefined;

/**
 * Loads the ICU check. The parser (@formatjs) is loaded on the first ICU request: API memory is
 * measured, and most deployments never need it.
 */
export async function loadIcuCheck(): Promise<IcuCheck> {
  const { parseIcuMessage, IcuSyntaxError } = await (icuParser ??=
    import('../../shared/text-protection/icu-message.js'));
  return (message) => {
    try {
      parseIcuMessage(message);
      return undefined;
    } catch (err) {
      if (err instanceof IcuSyntaxError) return err.message;
      throw err;
    }
  };
}

/**
 * The glossary `name` of `owner` at its current version, for the job and the cache key; 404 when
 * the owner has no such glossary (or no glossary store is configured).
 */
export async function glossaryRef(
  glossaries: GlossaryReader | undefined,
  owner: string,
  name: string,
): Promise<GlossaryRef> {
  const version = glossaries ? await glossaries.version(owner, name) : null;
  if (version === null) throw new NotFoundError(`No glossary named ${JSON.stringify(name)}.`);
  return { owner, name, version };
}
