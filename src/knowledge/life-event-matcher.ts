import { languages, type Language, type Localized } from '../language.ts';
import { KeywordMatcher, type KeywordMatch, type KeywordVocabulary } from './keyword-matcher.ts';
import { normalizePhrase, PhraseMatcher } from './phrase-matcher.ts';
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
  private readonly phrases: PhraseMatcher;
  /** The events each phrase (normalized as the phrase matcher reports it) belongs to. */
  private readonly phraseOwners = new Map<string, string[]>();

  constructor(events: readonly EventWords[], vocabulary?: KeywordVocabulary) {
    this.keywords = new KeywordMatcher(events, { ...(vocabulary ? { vocabulary } : {}), withinSentence: true });
    const allPhrases: Localized<string[]> = { ro: [], hu: [], en: [] };
    for (const event of events) {
      for (const language of languages) {
        for (const phrase of event.phrases?.[language] ?? []) {
          allPhrases[language].push(phrase);
          const normalized = normalizePhrase(phrase);
          const owners = this.phraseOwners.get(normalized) ?? [];
          if (!owners.includes(event.id)) owners.push(event.id);
          this.phraseOwners.set(normalized, owners);
        }
      }
    }
    this.phrases = new PhraseMatcher(allPhrases);
  }

  /**
   * The strongest match per event, strongest first. A phrase found word for word, in order, says as much as
   * a keyword of two content words at least: "ne luăm" is as plain as "ne căsătorim".
   */
  match(text: string, language: Language): readonly KeywordMatch[] {
    const best = new Map(this.keywords.match(text, language).map((match) => [match.owner, match]));
    for (const phrase of this.phrases.matchAll(text)) {
      const size = Math.max(phraseMinimumSize, analyze(phrase, language).length);
      for (const id of this.phraseOwners.get(phrase) ?? []) {
        if (size > (best.get(id)?.size ?? 0)) best.set(id, { owner: id, keyword: phrase, size });
      }
    }
    return [...best.values()].sort((left, right) => right.size - left.size);
  }
}
