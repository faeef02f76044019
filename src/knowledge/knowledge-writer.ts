import { Document, isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import type { Procedure } from './knowledge-base.ts';

// Turns a procedure (the typed object the loader produces) back into its Markdown file: YAML front
// matter in the key order of the hand-written files, then the body. The files stay the source of truth,
// so what the editor writes must read like what an administrator writes: one key per line, texts in
// double quotes, keyword lists on one line each (diff-friendly), example questions one per line (they
// are whole sentences), no folding of long lines.

function hasExamples(procedure: Procedure): boolean {
  return procedure.examples !== undefined && Object.values(procedure.examples).some((questions) => questions.length > 0);
}

/** The front matter in the order of knowledge/procedures/*.md (snake_case, as administrators write it). */
function frontMatterOf(procedure: Procedure): Record<string, unknown> {
  return {
    slug: procedure.slug,
    title: procedure.title,
    department: procedure.department,
    request_type: procedure.requestType,
    legal_basis: procedure.legalBasis,
    deadline: { days: procedure.deadline.days, working_days: procedure.deadline.workingDays, text: procedure.deadline.text },
    documents: procedure.documents,
    fee: procedure.fee,
    where: procedure.where,
    online: procedure.online,
    keywords: procedure.keywords,
    // Written only when there is at least one example: files without them stay as they were.
    ...(hasExamples(procedure) ? { examples: procedure.examples } : {}),
    updated: procedure.updated,
    source: procedure.source,
    to_confirm: procedure.toConfirm,
  };
}

/** Identifiers and dates read as what they are without quotes; every human text is quoted. */
const plainKeys = new Set(['slug', 'department', 'request_type', 'updated']);

function styleNode(node: unknown, key: string | undefined, insideKeywords: boolean): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const childKey = isScalar(pair.key) ? String(pair.key.value) : undefined;
      styleNode(pair.value, childKey, insideKeywords || childKey === 'keywords');
    }
  } else if (isSeq(node)) {
    // Keyword lists are long lists of short words: one line per language, as in the existing files.
    if (insideKeywords) node.flow = true;
    for (const item of node.items) styleNode(item, undefined, insideKeywords);
  } else if (isScalar(node) && typeof node.value === 'string') {
    node.type = key !== undefined && plainKeys.has(key) ? Scalar.PLAIN : Scalar.QUOTE_DOUBLE;
  }
}

export function procedureFrontMatterYaml(procedure: Procedure): string {
  const document = new Document(frontMatterOf(procedure));
  styleNode(document.contents as Node, undefined, false);
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The whole file: `---`, front matter, `---`, a blank line, the body. */
export function procedureToMarkdown(procedure: Procedure): string {
  const body = procedure.body.trim();
  return `---\n${procedureFrontMatterYaml(procedure)}---\n${body === '' ? '' : `\n${body}\n`}`;
}
