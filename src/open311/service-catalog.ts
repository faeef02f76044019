import type { KnowledgeBase, Procedure, RequestType } from '../knowledge/knowledge-base.ts';
import type { Language } from '../language.ts';

// Open311 "services" are the knowledge base's procedures that end in a written request the town hall
// registers and answers; declarations and audiences are filed in person and are left out.

export const open311RequestTypes: readonly RequestType[] = ['cerere', 'sesizare', 'petitie', 'informatii-publice'];

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: 'realtime';
  keywords: string;
  group: string;
}

const descriptionLength = 400;

/** The first paragraph of the procedure's plain-language explanation ("Ce este"), shortened. */
function summaryOf(procedure: Procedure): string {
  const paragraph =
    procedure.body
      .split(/\n\s*\n/)
      .map((block) => block.trim())
      .find((block) => block !== '' && !block.startsWith('#') && !block.startsWith('-') && !block.startsWith('|')) ?? '';
  const plain = paragraph.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ');
  if (plain.length <= descriptionLength) return plain;
  const cut = plain.slice(0, descriptionLength);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), descriptionLength - 40))}…`;
}

export function isOpen311Procedure(procedure: Procedure): boolean {
  return open311RequestTypes.includes(procedure.requestType);
}

export function departmentName(knowledge: KnowledgeBase, department: string, language: Language): string {
  return knowledge.townHall().departments.find((entry) => entry.id === department)?.name[language] ?? department;
}

export function toOpen311Service(knowledge: KnowledgeBase, procedure: Procedure, language: Language): Open311Service {
  const keywords = [...new Set([...procedure.keywords[language], ...procedure.keywords.ro])].slice(0, 20);
  return {
    service_code: procedure.slug,
    service_name: procedure.title[language],
    description: summaryOf(procedure),
    metadata: false,
    type: 'realtime',
    keywords: keywords.join(','),
    group: departmentName(knowledge, procedure.department, language),
  };
}

export function open311Services(knowledge: KnowledgeBase, language: Language): Open311Service[] {
  return knowledge
    .procedures()
    .filter(isOpen311Procedure)
    .sort((left, right) => left.slug.localeCompare(right.slug))
    .map((procedure) => toOpen311Service(knowledge, procedure, language));
}

export function findOpen311Procedure(knowledge: KnowledgeBase, serviceCode: string): Procedure | undefined {
  const procedure = knowledge.procedure(serviceCode);
  return procedure && isOpen311Procedure(procedure) ? procedure : undefined;
}
