/** Cuts text to at most `limit` characters, ending with "…" when it had to cut. */
export function shortenText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}
