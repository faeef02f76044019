// Citations are written [slug] (or [slug-a, slug-b]). A citation the retrieval did not supply is a
// made-up reference, so it is removed rather than shown to the citizen as if it were a source.

const bracketPattern = /([ \t]*)\[([^[\]\n]{1,200})\](?!\()/g;
const slugListPattern = /^\s*[a-z0-9][a-z0-9_-]*(?:\s*[,;]\s*[a-z0-9][a-z0-9_-]*)*\s*$/i;

export interface CitationCheck {
  text: string;
  /** Known slugs the text cites, in order of first appearance. */
  citedSlugs: string[];
  removedSlugs: string[];
}

export function removeUnknownCitations(text: string, knownSlugs: ReadonlySet<string>): CitationCheck {
  const cited: string[] = [];
  const removed: string[] = [];
  const cleaned = text.replace(bracketPattern, (whole, leadingSpace: string, inside: string) => {
    // Brackets that are not slug lists ("[see below]", markdown link text) are not citations.
    if (!slugListPattern.test(inside)) return whole;
    const slugs = inside.split(/[,;]/).map((slug) => slug.trim().toLowerCase());
    const kept = slugs.filter((slug) => knownSlugs.has(slug));
    for (const slug of slugs) {
      if (!knownSlugs.has(slug)) removed.push(slug);
      else if (!cited.includes(slug)) cited.push(slug);
    }
    return kept.length === 0 ? '' : `${leadingSpace}${kept.map((slug) => `[${slug}]`).join(' ')}`;
  });
  return { text: cleaned, citedSlugs: cited, removedSlugs: removed };
}

/**
 * The text without its citations of `slugs`, for channels that list the sources under the text
 * (Telegram, WhatsApp): a raw "[certificat-urbanism]" means nothing to a citizen.
 */
export function withoutCitations(text: string, slugs: ReadonlySet<string>): string {
  return text
    .replace(bracketPattern, (whole, _leadingSpace: string, inside: string) => {
      if (!slugListPattern.test(inside)) return whole;
      const cited = inside.split(/[,;]/).map((slug) => slug.trim().toLowerCase());
      return cited.every((slug) => slugs.has(slug)) ? '' : whole;
    })
    .replace(/[ \t]+([.,;:!?])/g, '$1');
}
