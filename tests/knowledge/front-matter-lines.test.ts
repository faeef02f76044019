import { describe, expect, it } from 'vitest';
import { lineOfKeyPath } from '../../src/knowledge/front-matter-lines.ts';

// The line a schema error points at, for the shapes knowledge/ files use.

const frontMatter = `
slug: certificat-urbanism
# a comment line counts as a line
department: urbanism
deadline:
  days: -3
  text:
    ro: "30 de zile"
    hu: 30 nap
documents:
- ro: Cerere
  en: Application
- ro: Plan
"quoted": 1
`;

describe('lineOfKeyPath', () => {
  it('finds keys, nested keys, list items and quoted keys on their own lines', () => {
    expect(lineOfKeyPath(frontMatter, ['slug'])).toBe(2);
    expect(lineOfKeyPath(frontMatter, ['department'])).toBe(4);
    expect(lineOfKeyPath(frontMatter, ['deadline', 'days'])).toBe(6);
    expect(lineOfKeyPath(frontMatter, ['deadline', 'text', 'hu'])).toBe(9);
    expect(lineOfKeyPath(frontMatter, ['documents', 0])).toBe(11);
    expect(lineOfKeyPath(frontMatter, ['documents', 0, 'en'])).toBe(12);
    expect(lineOfKeyPath(frontMatter, ['documents', 1, 'ro'])).toBe(13);
    expect(lineOfKeyPath(frontMatter, ['quoted'])).toBe(14);
  });

  it('gives a missing key the line of its parent, and nothing when even the first key is missing', () => {
    expect(lineOfKeyPath(frontMatter, ['deadline', 'text', 'en'])).toBe(7);
    expect(lineOfKeyPath(frontMatter, ['documents', 5])).toBe(10);
    expect(lineOfKeyPath(frontMatter, ['missing'])).toBeUndefined();
  });
});
