// People's names in free text. A name cannot be recognised by its shape alone, so three signals are
// used: names the system already knows belong to a person (the citizen on the ticket, the clerks),
// cue words that introduce a name ("mă numesc", "domnule", "Tisztelt", "my name is"), and a common
// Romanian or Hungarian given name next to a capitalised word ("Ion Secretescu", "Szabó Mária").
// Streets named after people ("str. Mihai Eminescu", "Petőfi Sándor utca") are left alone: a report
// about a pothole needs its place.

const nameWord = "\\p{Lu}[\\p{Ll}\\p{Lu}'’]*(?:-\\p{Lu}[\\p{Ll}\\p{Lu}'’]*)?";

const givenNames = [
  'Ion', 'Ioan', 'Gheorghe', 'Vasile', 'Constantin', 'Mihai', 'Nicolae', 'Alexandru', 'Andrei', 'Adrian', 'Florin', 'Dan',
  'Daniel', 'Marius', 'Cristian', 'Ionuț', 'Gabriel', 'Ștefan', 'Stefan', 'Petru', 'Radu', 'Sorin', 'Dumitru', 'Cătălin',
  'Bogdan', 'Lucian', 'Ovidiu', 'Vlad', 'Paul', 'George', 'Emil', 'Liviu', 'Viorel', 'Maria', 'Elena', 'Ana', 'Ioana',
  'Mihaela', 'Andreea', 'Cristina', 'Gabriela', 'Daniela', 'Alexandra', 'Georgeta', 'Mariana', 'Monica', 'Simona',
  'Adriana', 'Laura', 'Alina', 'Nicoleta', 'Florentina', 'Irina', 'Diana', 'Raluca', 'Roxana', 'Carmen', 'Doina', 'Rodica',
  'Camelia', 'Ramona', 'Oana', 'Anca', 'János', 'István', 'László', 'József', 'Zoltán', 'Sándor', 'Gábor', 'Ferenc',
  'Attila', 'Péter', 'Lajos', 'Tamás', 'Zsolt', 'Csaba', 'Levente', 'Árpád', 'Szabolcs', 'Hunor', 'Botond', 'Mária',
  'Erzsébet', 'Katalin', 'Ilona', 'Éva', 'Anna', 'Zsuzsanna', 'Margit', 'Judit', 'Ágnes', 'Enikő', 'Tünde', 'Réka',
  'Emese', 'Kinga', 'Orsolya', 'Csilla',
];

/** Cue words after which the next capitalised words are a name; `minimumWords` 2 where the cue is also an ordinary verb. */
const cues: { words: string; minimumWords: number }[] = [
  { words: '[Mm][ăa] numesc|[Nn]umele meu (?:este|e)|[Nn]ume(?:le)?\\s*:|[Ss]ubsemnat(?:ul|a)|[Cc]et[ăa][țţt]ean(?:ul|a)', minimumWords: 1 },
  { words: '[Dd]omn(?:ul|ului|ule)|[Dd]oamn(?:a|ei|[ăa])|[Dd]l\\.?|[Dd]na\\.?|[Dd]-(?:na|l|nul|lui|nei)', minimumWords: 1 },
  { words: '[Mm]y name is|[Nn]ame\\s*:|M(?:r|rs|s)\\.?|[Aa] nevem|[Nn]evem|[Tt]isztelt', minimumWords: 1 },
  { words: '[Ss]unt|I am', minimumWords: 2 },
];

const streetBefore = "(?<!(?:[Ss]tr\\.?|[Ss]trada|[Bb]d\\.?|[Bb]ulevardul|[Cc]alea|[Aa]leea|[Pp]ia[țţt]a|[ȘșSs]coala|[Ll]iceul|[Cc]olegiul|[Pp]arcul|[Nn]r\\.?)\\s*)";
const streetAfter = '(?!\\s+(?:utca|út|tér|u\\.))';

// Letters that people type with or without diacritics match each other, so "Szabo" finds "Szabó".
const letterVariants: Record<string, string> = {
  a: 'aăâáä', i: 'iîí', s: 'sșş', t: 'tțţ', o: 'oóöő', u: 'uúüű', e: 'eé',
};

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function looseLetters(part: string): string {
  return [...part.normalize('NFD').replace(/\p{M}/gu, '')]
    .map((letter) => {
      const variants = letterVariants[letter.toLowerCase()];
      return variants ? `[${variants}${variants.toUpperCase()}]` : escapeForPattern(letter);
    })
    .join('');
}

function knownNamesPattern(names: readonly (string | null | undefined)[]): RegExp | undefined {
  const parts = new Set<string>();
  for (const name of names) {
    for (const part of (name ?? '').split(/[\s,;]+/)) {
      const letters = part.replace(/[^\p{L}'’-]/gu, '');
      // Two-letter parts ("de", "la") would mask ordinary words.
      if ([...letters].length >= 3) parts.add(letters);
    }
  }
  if (parts.size === 0) return undefined;
  const alternatives = [...parts].sort((left, right) => right.length - left.length).map(looseLetters).join('|');
  const one = `(?:${alternatives})`;
  return new RegExp(`(?<![\\p{L}])${one}(?:[\\s-]+${one})*(?![\\p{L}])`, 'giu');
}

function cuePatterns(): RegExp[] {
  return cues.map(
    ({ words, minimumWords }) =>
      new RegExp(`(?<cue>(?<![\\p{L}])(?:${words})\\s+)${nameWord}(?:\\s+${nameWord}){${minimumWords - 1},2}${streetAfter}`, 'gu'),
  );
}

function givenNamePatterns(): RegExp[] {
  const given = `(?:${givenNames.map(escapeForPattern).join('|')})`;
  return [
    // "Ion Secretescu", "Maria Ana Pop"; and the surname-first order of registers and Hungarian, "Popescu Ion", "Szabó Mária".
    new RegExp(`${streetBefore}(?<![\\p{L}])${given}(?:\\s+${nameWord}){1,2}(?![\\p{L}])${streetAfter}`, 'gu'),
    new RegExp(`${streetBefore}(?<![\\p{L}])${nameWord}\\s+${given}(?![\\p{L}])${streetAfter}`, 'gu'),
  ];
}

const fixedPatterns = { cues: cuePatterns(), givenNames: givenNamePatterns() };

// An export masks thousands of rows with the same few names: build each names pattern once.
const knownPatternCache = new Map<string, RegExp | undefined>();
const knownPatternCacheSize = 500;

function cachedKnownNamesPattern(knownNames: readonly (string | null | undefined)[]): RegExp | undefined {
  const key = knownNames.filter(Boolean).join('\n');
  if (key === '') return undefined;
  if (knownPatternCache.has(key)) return knownPatternCache.get(key);
  if (knownPatternCache.size >= knownPatternCacheSize) knownPatternCache.clear();
  const pattern = knownNamesPattern(knownNames);
  knownPatternCache.set(key, pattern);
  return pattern;
}

/** The patterns to apply in order: cue words first, so "domnule Pop" keeps its cue and loses the name. */
export function personNamePatterns(knownNames: readonly (string | null | undefined)[], heuristics: boolean): RegExp[] {
  const known = cachedKnownNamesPattern(knownNames);
  return [...(heuristics ? [...fixedPatterns.cues, ...fixedPatterns.givenNames] : []), ...(known ? [known] : [])];
}
