/**
 * The kinds of placeholder a request can ask to protect (`"placeholders": [...]` or `"auto"`).
 * Order matters nowhere here; detection order lives in placeholder-scanner.ts.
 */
export const PLACEHOLDER_KINDS = [
  'printf',
  'braces',
  'double_braces',
  'dollar_braces',
  'percent_braces',
  'colon',
  'html_tags',
] as const;

export type PlaceholderKind = (typeof PLACEHOLDER_KINDS)[number];

/**
 * `"auto"` leaves out `colon`: `:name` also matches ordinary prose ("Note:see", emoji codes), so it
 * applies only when a caller names it.
 */
export const AUTO_PLACEHOLDER_KINDS: readonly PlaceholderKind[] = PLACEHOLDER_KINDS.filter(
  (k) => k !== 'colon',
);

/** What a request may say; `undefined` (the default) protects nothing, which is today's behaviour. */
export type PlaceholderSetting = 'auto' | readonly PlaceholderKind[] | undefined;

/**
 * Resolves a request's setting to a sorted, de-duplicated list, so equal settings give equal cache
 * keys and share one compiled scanner.
 */
export function resolvePlaceholderKinds(setting: PlaceholderSetting): readonly PlaceholderKind[] {
  if (setting === undefined) return [];
  const kinds = setting === 'auto' ? AUTO_PLACEHOLDER_KINDS : setting;
  return PLACEHOLDER_KINDS.filter((k) => kinds.includes(k));
}
