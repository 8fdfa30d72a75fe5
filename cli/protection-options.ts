/**
 * The text-protection fields the CLI passes through to the service (issue 13): `format`,
 * `placeholders`, `glossary` and `on_unsafe`, from command-line flags (defaults for every text) or
 * per item from a JSONL or CSV input (an item's own value wins). The CLI checks their form only as
 * far as it must to build the request; the service validates them and answers 400 with details.
 */

export interface ProtectionOptions {
  format?: string;
  /** `auto` or a list of placeholder kinds. */
  placeholders?: 'auto' | string[];
  glossary?: string;
  on_unsafe?: string;
}

/** The fields an input item or the command line may set, as the service names them. */
export const PROTECTION_FIELDS = ['format', 'placeholders', 'glossary', 'on_unsafe'] as const;

/**
 * `auto`, or kinds separated by commas, semicolons or spaces (`printf,braces`): one form for the
 * `--placeholders` flag and a CSV cell (where a comma would need quotes).
 */
export function parsePlaceholders(value: string): 'auto' | string[] {
  const trimmed = value.trim();
  if (trimmed === 'auto') return 'auto';
  return trimmed.split(/[\s,;]+/).filter(Boolean);
}

/**
 * Reads the protection fields of one input record (a JSONL object, or a CSV row by column name):
 * strings as they are; `placeholders` as a string (see parsePlaceholders) or a list of strings.
 * Empty values are absent (a CSV column left blank for this row).
 */
export function readProtection(record: Record<string, unknown>): ProtectionOptions {
  const options: ProtectionOptions = {};
  for (const field of PROTECTION_FIELDS) {
    const value = record[field];
    if (field === 'placeholders') {
      if (typeof value === 'string' && value.trim() !== '') options.placeholders = parsePlaceholders(value);
      else if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) {
        options.placeholders = value;
      }
    } else if (typeof value === 'string' && value !== '') options[field] = value;
  }
  return options;
}

/** An item's own protection fields over the command line's, without the absent ones. */
export function protectionFields(item: ProtectionOptions, defaults: ProtectionOptions): ProtectionOptions {
  const fields: ProtectionOptions = {};
  for (const field of PROTECTION_FIELDS) {
    const value = item[field] ?? defaults[field];
    if (value !== undefined) Object.assign(fields, { [field]: value });
  }
  return fields;
}
