// GeoReport v2's XML is flat: a root, one element per item, one child per field. Enough to write by hand.

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[character] ?? character);
}

function fieldXml(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map((item) => fieldXml(name.replace(/s$/, ''), item)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([key, item]) => fieldXml(key, item)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<?xml …?><root><item>…</item>…</root>` */
export function listToXml(root: string, item: string, entries: readonly object[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>${entries.map((entry) => fieldXml(item, entry)).join('')}</${root}>\n`;
}

export function objectToXml(root: string, value: object): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${fieldXml(root, value)}\n`;
}
