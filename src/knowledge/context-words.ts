import { foldDiacritics } from '../language.ts';

// The commune's villages are where a citizen lives, not what they ask about: "sunt din Chendu" or
// "Szentdemeteren lakunk" must neither count against a question nor point at a procedure. Hungarian
// inflects place names ("Nagykenden", "fületelki"), so a word counts when it starts like a village.

const shortestStem = 5;

export function contextWordTest(villages: readonly { ro: string; hu: string }[]): (token: string) => boolean {
  const stems = villages
    .flatMap((village) => [village.ro, village.hu])
    .flatMap((name) => foldDiacritics(name).split(/[^\p{L}]+/u))
    .filter((word) => word.length >= shortestStem)
    // Without the last letters, which inflection changes: "fületelke" → "fuletel" matches "fületelki".
    .map((word) => word.slice(0, Math.max(shortestStem, word.length - 2)));
  if (stems.length === 0) return () => false;
  return (token) => token.length >= shortestStem && stems.some((stem) => token.startsWith(stem));
}
