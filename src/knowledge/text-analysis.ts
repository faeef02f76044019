import snowball from 'snowball-stemmers';
import { foldDiacritics, perLanguage, type Language } from '../language.ts';
import { RecentResults } from '../recent-results.ts';

// Shared by the offline embedding and the lexical index, so that a question and a document are
// always reduced to terms the same way.

const stemmerNames: Record<Language, string> = { ro: 'romanian', hu: 'hungarian', en: 'english' };
const stemmers = new Map(
  (Object.keys(stemmerNames) as Language[]).map((language) => [language, snowball.newStemmer(stemmerNames[language])]),
);

// Stemming is the hot path of ingest and of every question; the vocabulary is small, so remember it. One
// memory per language, keyed by the word itself: a key built per word ("ro:casa") cost more than the lookup.
const rememberedStems = 200_000;
const stemCaches: Record<Language, RecentResults<string, string>> = perLanguage(() => new RecentResults(rememberedStems));

/**
 * Function words and the filler people type around a question ("buna ziua", "va rog", "kérem").
 * Folded, because they are compared after folding. They carry no information about which procedure
 * is meant; the lexical index drops them, the embedding ignores them.
 */
const stopWordList = `
a ai al ale am ar are as asa asta aceasta acest acesta acel acea acei acele acolo aici au avea avem aveti b
ca cam care cat cata cate cati ce cea cei cel cele cine cu cum cand da daca dar de deci despre din dintr dintre
doar dupa e ea ei el ele este esti eu fara fi fie fiind fiu fost foarte i ia iar ii il im imi in inca intr intre
isi iti la le li lor lui m ma mai mea mei mele meu mi mie mine n ne nici noi nu o ori oricine pe pana pentru pot
poate poti prin pt sa sau se si sint sunt suntem sa te tot toate tu un una unde unei unui unor unul va vi voi vor
vreau vrea vrem vreti trebuie trebe tre trb trebui imi buna ziua salut salutare rog multumesc mersi bine
ati at fac face facem faci facut ceva cineva nevoie aveti spuneti spune zice zic stiu stie stiti vad pls
az egy es is hogy nem van vagy mit mi mik kell kellene hol hova hogyan mennyi mennyibe mikor meg el be ki fel le
ez azt ezt en te o ti ok nekem neked kerem kerek szeretnek szeretnem szeretne lehet milyen melyik jo napot
koszonom jonapot tudok tudom tudna tudnak ha de csak mar mert ami aki amely ahol itt ott sz szia hello
engem maga maguk valami valaki kene kellenek sok nagyon akkor most mar volt lesz
the an is are am i you we my me do does did how what where when which who whom to for of in on at with and
or can could would should need needs want please hello hi it be get got have has this that there from by about
much many long your our they them their its if not no any some will shall may might just so than then also
`;

export const stopWords: ReadonlySet<string> = new Set(stopWordList.split(/\s+/).filter(Boolean));

/** Folded words of a text: lower case, no diacritics, split on anything that is not a letter or digit. */
export function tokenize(text: string): string[] {
  return foldDiacritics(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 1 || /\d/.test(token));
}

/**
 * Calls `visit` with every piece of `smallest` to `largest` letters of a word padded with a space on both sides:
 * what typos, missing diacritics and Hungarian endings leave in common ("hazadot" and "házad" share "haz").
 */
export function forEachPieceOfWord(word: string, smallest: number, largest: number, visit: (piece: string) => void): void {
  const padded = ` ${word} `;
  for (let size = smallest; size <= largest; size += 1) {
    for (let start = 0; start + size <= padded.length; start += 1) visit(padded.slice(start, start + size));
  }
}

export function isStopWord(token: string): boolean {
  return stopWords.has(token);
}

export function stem(token: string, language: Language): string {
  // Numbers (law numbers such as 544 or 196) are identifiers, not words.
  return stemCaches[language].get(token, () => (/^\d+$/.test(token) ? token : (stemmers.get(language)?.stem(token) ?? token)));
}

/** Hungarian verbal prefixes that stand apart from their verb ("meghalt" → "halt meg", "el kell adni"). Folded. */
const separablePrefixes = new Set(['meg', 'el', 'fel', 'le', 'be', 'ki', 'at', 'vissza', 'ossze', 'haza', 'ra', 'oda', 'hozza', 'szet', 'elo']);
/** Words between a prefix and the infinitive it belongs to: "be kell jelenteni", "át szeretném íratni". */
const prefixBridge = /^(?:kell|kellene|kene|kellett|lehet|lehetne|akar\w*|szeretn\w*|fog\w*|tud\w*|kezd\w*|kivan\w*|prob\w*)$/u;

/**
 * A Hungarian verb whose prefix stands apart ("a nagyapám halt meg", "jelentsem be", "le kell cserélni")
 * is also read whole ("meghalt", "bejelentsem", "lecserélni"), as the knowledge base writes it. The joined
 * word is added beside the words as written: "meg" also means "and", and folded it is "még" (still), so a
 * wrong joining ("kocsit meg" → "megkocsit") adds a word nobody uses and takes nothing away.
 */
function withJoinedPrefixes(tokens: string[]): string[] {
  const joined: string[] = [];
  tokens.forEach((token, index) => {
    joined.push(token);
    if (!separablePrefixes.has(token)) return;
    const bridge = tokens[index + 1];
    const infinitive = tokens[index + 2];
    if (bridge !== undefined && infinitive !== undefined && prefixBridge.test(bridge) && infinitive.endsWith('ni')) {
      joined.push(token + infinitive);
      return;
    }
    const verb = tokens[index - 1];
    if (verb !== undefined && !isStopWord(verb) && !separablePrefixes.has(verb)) joined.push(token + verb);
  });
  return joined;
}

/** Texts whose words are remembered per language: one message, its sentences, its parts and their variants. */
const rememberedTexts = 256;

/** A word of a text as the indexes read it: folded, and its stem in the text's language. */
export interface AnalyzedWord {
  readonly token: string;
  readonly stem: string;
}

/**
 * The texts analyzed lately, per language. A long message is read by a dozen rules, each asking for the words
 * of the message, its sentences and its parts again; analyzing them anew each time made a long message's
 * retrieval about a tenth slower. Shared between callers, so read-only.
 */
const recentAnalyses: Record<Language, RecentResults<string, readonly AnalyzedWord[]>> = perLanguage(() => new RecentResults(rememberedTexts));

/** Content words of a text with their stems, in order; stop words removed. */
export function analyze(text: string, language: Language): readonly AnalyzedWord[] {
  return recentAnalyses[language].get(text, () => analyzeAnew(text, language));
}

function analyzeAnew(text: string, language: Language): AnalyzedWord[] {
  const tokens = tokenize(text);
  return (language === 'hu' ? withJoinedPrefixes(tokens) : tokens)
    .filter((token) => !isStopWord(token))
    .map((token) => ({ token, stem: stem(token, language) }));
}
