import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

// Finds the line of a key path such as ["deadline", "text", "hu"] or ["documents", 2, "en"] in YAML
// front matter, so a schema error can point the administrator at the line to fix. The `yaml` parser
// keeps where every node starts; for a missing key the nearest parent's line is given instead.

/**
 * 1-based line within the front matter, or undefined when not even the first key is found.
 * For a missing key it returns the line of its parent, which is where the key belongs.
 */
export function lineOfKeyPath(frontMatter: string, keyPath: readonly (string | number)[]): number | undefined {
  const lineCounter = new LineCounter();
  let node: unknown = parseDocument(frontMatter, { lineCounter }).contents;
  let found: number | undefined;
  for (const segment of keyPath) {
    let start: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair || !isScalar(pair.key)) return found;
      start = pair.key.range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isScalar(item) && !isMap(item) && !isSeq(item)) return found;
      start = item.range?.[0];
      node = item;
    } else {
      return found;
    }
    if (start === undefined) return found;
    found = lineCounter.linePos(start).line;
  }
  return found;
}
