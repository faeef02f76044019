import type { Language, Localized } from '../language.ts';
import { KeywordMatcher, type KeywordMatch } from './keyword-matcher.ts';
import { PhraseMatcher } from './phrase-matcher.ts';
import { analyze } from './text-analysis.ts';

// Which life events a message tells of. Most are told in content words ("a murit bunicul", "megszületett"),
// matched as keywords; some only by their small words ("ne luăm în iulie", "nu mai e printre noi"), which the
// keyword matcher drops ("luăm", "printre" alone say nothing): an event's `phrases` are matched word for word.

const phraseMinimumSize = 2;

interface EventWords {
  id: string;
  keywords: Localized<string[]>;
  phrases?: Localized<string[]>;
}

export class LifeEventMatcher {
  private readonly keywords: KeywordMatcher;
  private readonly phrases: { id: string; matcher: PhraseMatcher }[];

  constructor(events: readonly EventWords[], isKnownWord: (token: string) => boolean) {
    this.keywords = new KeywordMatcher(events, isKnownWord);
    this.phrases = events.filter((event) => event.phrases !== undefined).map((event) => ({ id: event.id, matcher: new PhraseMatcher(event.phrases!) }));
  }

  /**
   * The strongest match per event, strongest first. A phrase found word for word, in order, says as much as
   * a keyword of two content words at least: "ne luăm" is as plain as "ne căsătorim".
   */
  match(text: string, language: Language): KeywordMatch[] {
    const best = new Map(this.keywords.match(text, language).map((match) => [match.owner, match]));
    for (const { id, matcher } of this.phrases) {
      const found = matcher.match(text);
      if (!found) continue;
      const size = Math.max(phraseMinimumSize, analyze(found.phrase, language).length);
      if (size > (best.get(id)?.size ?? 0)) best.set(id, { owner: id, keyword: found.phrase, size });
    }
    return [...best.values()].sort((left, right) => right.size - left.size);
  }
}
