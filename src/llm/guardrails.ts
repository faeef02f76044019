import type { RetrievedProcedure } from '../knowledge/knowledge-base.ts';
import { removeUnknownCitations } from './citations.ts';
import { extractFactClaims, groundedFactKeys, type FactClaim } from './fact-claims.ts';
import { groundingTexts } from './source-rendering.ts';

// Checked after generation, because no prompt makes a small model reliable: an answer that states an
// amount, a deadline or a law its cited sources do not contain is rejected as a whole — the citizen gets
// the retrieval card instead of a plausible but invented fee.

export interface GuardrailResult {
  accepted: boolean;
  /** The answer with citations of unknown sources removed. */
  text: string;
  citedSlugs: string[];
  violations: string[];
}

export function applyGuardrails(answer: string, candidates: readonly RetrievedProcedure[]): GuardrailResult {
  const knownSlugs = new Set(candidates.map((candidate) => candidate.procedure.slug));
  const citations = removeUnknownCitations(answer, knownSlugs);
  const text = citations.text.trim();
  if (text === '') return { accepted: false, text, citedSlugs: [], violations: ['the answer is empty'] };

  // An answer that cites nothing is held to everything it was shown; one that cites is held to what it cites.
  const cited = candidates.filter((candidate) => citations.citedSlugs.includes(candidate.procedure.slug));
  const grounding = cited.length > 0 ? cited : candidates;
  const violations = ungroundedClaims(text, grounding).map(
    (claim) => `${claim.kind} "${claim.text}" is not in the ${cited.length > 0 ? 'cited' : 'retrieved'} sources (${grounding.map((candidate) => candidate.procedure.slug).join(', ') || 'none'})`,
  );
  return { accepted: violations.length === 0, text, citedSlugs: citations.citedSlugs, violations };
}

/** The claims in `text` that none of `sources` contains, one per distinct fact. */
export function ungroundedClaims(text: string, sources: readonly RetrievedProcedure[]): FactClaim[] {
  const claims = extractFactClaims(text);
  if (claims.length === 0) return [];
  const grounded = groundedFactKeys(sources.flatMap(groundingTexts));
  const seen = new Set<string>();
  return claims.filter((claim) => {
    if (grounded.has(claim.key) || seen.has(claim.key)) return false;
    seen.add(claim.key);
    return true;
  });
}
