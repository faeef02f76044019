import { describe, expect, it } from 'vitest';
import { isAbbreviationStop } from '../src/abbreviations.ts';

/** Whether the full stop right after `before` in `text` is taken for an abbreviation's or an ordinal's. */
function stopAfterIsNoSentenceEnd(text: string, before: string): boolean {
  const index = text.indexOf(before) + before.length;
  expect(text[index]).toBe('.');
  return isAbbreviationStop(text, index);
}

describe('a full stop that does not end a sentence', () => {
  it('closes an abbreviation: "Legea nr. 50/1991", "art. 474", "sz. törvény"', () => {
    expect(stopAfterIsNoSentenceEnd('conform Legea nr. 50/1991', 'nr')).toBe(true);
    expect(stopAfterIsNoSentenceEnd('a 227/2015. sz. törvény szerint', ' sz')).toBe(true);
    expect(stopAfterIsNoSentenceEnd('Se depune la ghișeu. Apoi se plătește taxa.', 'ghișeu')).toBe(false);
  });

  it('follows a Hungarian ordinal when the text goes on in lower case: "472. cikk", "2026. március 31."', () => {
    const fee = 'az Adótörvénykönyv (227/2015. sz. törvény, 462., 467., 472. cikk) keretein belül';
    expect(stopAfterIsNoSentenceEnd(fee, '472')).toBe(true);
    expect(stopAfterIsNoSentenceEnd(fee, '227/2015')).toBe(true);
    expect(stopAfterIsNoSentenceEnd('A határidő 2026. március 31.', '2026')).toBe(true);
    // A sentence may end on a number: the next one starts in capitals.
    expect(stopAfterIsNoSentenceEnd('Program: luni–joi 8:00–16:00. Vineri până la 14:00.', '16:00')).toBe(false);
  });
});
