import { describe, expect, it } from 'vitest';
import { RecentResults } from '../src/recent-results.ts';

describe('results remembered for the keys asked lately', () => {
  it('works a result out once per key, and forgets everything when the memory is full', () => {
    const workedOut: string[] = [];
    const lengths = new RecentResults<string, number>(2);
    const lengthOf = (word: string) => lengths.get(word, (key) => (workedOut.push(key), key.length));
    expect([lengthOf('casa'), lengthOf('casa'), lengthOf('ház')]).toEqual([4, 4, 3]);
    expect(workedOut).toEqual(['casa', 'ház']);
    // A third key empties the memory first: both earlier keys are worked out again.
    expect([lengthOf('teren'), lengthOf('casa'), lengthOf('ház')]).toEqual([5, 4, 3]);
    expect(workedOut).toEqual(['casa', 'ház', 'teren', 'casa', 'ház']);
  });

  it('forgets on demand, and remembers a result of 0 or an empty text like any other', () => {
    let calls = 0;
    const results = new RecentResults<string, string>(10);
    expect(results.get('x', () => (calls++, ''))).toBe('');
    expect(results.get('x', () => (calls++, 'again'))).toBe('');
    results.clear();
    expect(results.get('x', () => (calls++, 'again'))).toBe('again');
    expect(calls).toBe(2);
  });
});
