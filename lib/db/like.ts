/**
 * LIKE / ILIKE patterns from user text: the wildcards `%` and `_` and the escape character `\`
 * itself are taken literally (PostgreSQL's default escape is a backslash). Pure, so any module
 * (and its unit tests) can use it.
 */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `s` as a prefix pattern: rows whose value starts with `s`, wildcards in `s` taken literally. */
export const likePrefix = (s: string): string => `${escapeLike(s)}%`;
