import { deadlineRules, dueDate, type CalendarDate, type TicketType } from './deadlines.ts';

// The one extension the law allows, counted from registration like the first term: petitions and
// reports (OG 27/2002 art. 9: 30 + 15 days), public-information requests (Legea 544/2001 art. 7:
// 10 days, 30 when the request's complexity justifies it). Other request types cannot be extended.

export interface ExtendedTerm {
  dueDate: CalendarDate;
  basis: string;
}

export function extendedDueDate(type: string, registeredOn: CalendarDate): ExtendedTerm | undefined {
  const rule = deadlineRules[type as TicketType];
  if (!rule?.extension) return undefined;
  return { dueDate: dueDate(registeredOn, { days: rule.days + rule.extension.days, workingDays: rule.workingDays }), basis: rule.extension.basis };
}
