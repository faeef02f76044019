// Finds the line of a key path such as ["deadline", "text", "hu"] or ["documents", 2, "en"] in YAML
// front matter, so a schema error can point the administrator at the line to fix. Best effort: it
// reads block-style YAML by indentation (what knowledge/ uses) and falls back to the nearest parent.

interface YamlLine {
  number: number;
  indent: number;
  /** The line without its indentation and without a leading "- ". */
  content: string;
  isListItem: boolean;
  /** Indentation of the content after "- ", where a list item's keys start. */
  contentIndent: number;
}

function readLines(frontMatter: string): YamlLine[] {
  return frontMatter.split(/\r?\n/).flatMap((raw, index) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return [];
    const indent = raw.length - raw.trimStart().length;
    const trimmed = raw.trimStart();
    const listMatch = /^-(\s+|$)/.exec(trimmed);
    const isListItem = listMatch !== null;
    const content = isListItem ? trimmed.slice(listMatch[0].length) : trimmed;
    const contentIndent = isListItem ? indent + listMatch[0].length : indent;
    return [{ number: index + 1, indent, content, isListItem, contentIndent }];
  });
}

function startsWithKey(content: string, key: string): boolean {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(["']?)${escaped}\\1\\s*:`).test(content);
}

/**
 * 1-based line within the front matter, or undefined when not even the first key is found.
 * For a missing key it returns the line of its parent, which is where the key belongs.
 */
export function lineOfKeyPath(frontMatter: string, keyPath: readonly (string | number)[]): number | undefined {
  const lines = readLines(frontMatter);
  let scopeStart = 0;
  let scopeEnd = lines.length;
  let parentIndent = -1;
  let found: number | undefined;

  for (const segment of keyPath) {
    let matchIndex = -1;
    if (typeof segment === 'number') {
      // List items of the current scope sit at the smallest indentation inside it.
      let itemIndent: number | undefined;
      let seen = -1;
      for (let index = scopeStart; index < scopeEnd; index += 1) {
        const line = lines[index]!;
        if (!line.isListItem || line.indent <= parentIndent - 1) continue;
        itemIndent ??= line.indent;
        if (line.indent !== itemIndent) continue;
        seen += 1;
        if (seen === segment) {
          matchIndex = index;
          break;
        }
      }
      if (matchIndex < 0) return found;
      const item = lines[matchIndex]!;
      found = item.number;
      // A list item's keys continue on the item line itself ("- ro: ...") and on deeper lines.
      scopeStart = matchIndex;
      scopeEnd = nextSiblingIndex(lines, matchIndex, item.indent, scopeEnd, true);
      parentIndent = item.indent;
      if (item.content !== '') {
        // Treat the item line as the first key line of the item's mapping.
        parentIndent = item.contentIndent - 1;
      }
      continue;
    }
    for (let index = scopeStart; index < scopeEnd; index += 1) {
      const line = lines[index]!;
      const keyIndent = line.isListItem ? line.contentIndent : line.indent;
      if (keyIndent <= parentIndent) continue;
      if (startsWithKey(line.content, segment)) {
        matchIndex = index;
        break;
      }
    }
    if (matchIndex < 0) return found;
    const line = lines[matchIndex]!;
    found = line.number;
    const keyIndent = line.isListItem ? line.contentIndent : line.indent;
    scopeStart = matchIndex + 1;
    scopeEnd = nextSiblingIndex(lines, matchIndex, keyIndent, scopeEnd, false);
    parentIndent = keyIndent;
  }
  return found;
}

/** Index of the first line after `index` that is no longer inside the block opened at `index`. */
function nextSiblingIndex(lines: YamlLine[], index: number, indent: number, limit: number, isListItem: boolean): number {
  for (let next = index + 1; next < limit; next += 1) {
    const line = lines[next]!;
    if (line.indent > indent) continue;
    // YAML lets a key's list sit at the key's own indentation ("key:\n- item").
    if (!isListItem && line.isListItem && line.indent === indent) continue;
    return next;
  }
  return limit;
}
