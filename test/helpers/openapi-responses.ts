/**
 * Checks real HTTP responses against the OpenAPI document the API serves: the status must be
 * documented for the operation and the body must match its JSON Schema (Ajv, JSON Schema 2020-12,
 * the dialect of OpenAPI 3.1).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule.default;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

export function responseChecker(doc: OpenApiDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // Component schemas become addressable by the refs the document uses.
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  }
  const compiled = new Map<string, ValidateFunction>();
  const checked: string[] = [];

  return {
    /** Returns the problems (empty when the response matches). */
    check(
      method: string,
      pathTemplate: string,
      status: number,
      body: unknown,
      contentType: string | null,
    ): string[] {
      const op = doc.paths[pathTemplate]?.[method.toLowerCase()];
      if (!op) return [`${method} ${pathTemplate} is not documented`];
      const response = op.responses[String(status)];
      if (!response) return [`${method} ${pathTemplate} does not document status ${status}`];
      checked.push(`${method.toUpperCase()} ${pathTemplate} ${status}`);
      const media = response.content?.['application/json'];
      if (!media) return [];
      if (!contentType?.startsWith('application/json')) return [`expected JSON, got ${contentType}`];
      const key = `${method} ${pathTemplate} ${status}`;
      let validate = compiled.get(key);
      if (!validate) compiled.set(key, (validate = ajv.compile(media.schema as object)));
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`);
    },
    checked,
  };
}
