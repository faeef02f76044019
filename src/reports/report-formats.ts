import { formatCsv } from '../exports/csv.ts';
import { countedNouns, countOf, statusLabel } from '../tickets/ticket-labels.ts';
import type { Indicators } from './indicators.ts';

// `functionar report` output. Markdown is the document the town hall attaches to the project's yearly
// report (in Romanian); JSON and CSV are for spreadsheets and other tools.

export const reportFormats = ['md', 'json', 'csv'] as const;
export type ReportFormat = (typeof reportFormats)[number];

const requests = countedNouns.request.ro;
const percent = (share: number) => `${(share * 100).toFixed(1).replace(/\.0$/, '')} %`;
const hours = (value: number | null) => (value === null ? '—' : `${value} h`);
const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(header: [string, string], rows: [string, string | number][]): string[] {
  if (rows.length === 0) return ['_(nimic)_'];
  return [`| ${header[0]} | ${header[1]} |`, '| --- | ---: |', ...rows.map(([key, value]) => `| ${escapeCell(key)} | ${value} |`)];
}

export function renderMarkdown(indicators: Indicators): string {
  const { users, conversations, tickets, firstResponse, overdue } = indicators;
  const lines = [
    `# Indicatori Funcționar Virtual — ${indicators.year}`,
    '',
    `Generat la ${indicators.generatedAt.slice(0, 16).replace('T', ' ')} UTC, din baza de date.`,
    '',
    '## Utilizatori',
    '',
    `**${users.total}** utilizatori distincți din ținta de ${users.target} pe an (${percent(users.targetShare)}). Noi: ${users.newUsers}; reveniți din anii anteriori: ${users.returningUsers}.`,
    '',
    ...table(['Canal', 'Utilizatori'], Object.entries(users.byChannel)),
    '',
    '## Conversații',
    '',
    `${conversations.total} conversații: ${conversations.answeredByAssistant} rezolvate de asistent, ${conversations.handedToClerk} preluate de un funcționar.`,
    '',
    '## Cereri înregistrate',
    '',
    `${countOf(tickets.total, requests, 'ro')} în registrul anului.`,
    '',
    ...table(['Stare', 'Cereri'], Object.entries(tickets.byStatus).map(([status, count]) => [statusLabel(status, 'ro', 'staff'), count])),
    '',
    ...table(['Compartiment', 'Cereri'], Object.entries(tickets.byDepartment)),
    '',
    ...table(['Tip', 'Cereri'], Object.entries(tickets.byType)),
    '',
    ...table(['Canal', 'Cereri'], Object.entries(tickets.byChannel)),
    '',
    '## Timp până la primul răspuns al unui funcționar',
    '',
    `Mediana: ${hours(firstResponse.medianHours)}; percentila 90: ${hours(firstResponse.p90Hours)} (${countOf(firstResponse.answered, requests, 'ro')} cu răspuns, ${firstResponse.waiting} încă așteaptă).`,
    '',
    '## Termene depășite',
    '',
    `${overdue.count} din ${countOf(tickets.total, requests, 'ro')} (${percent(overdue.share)}): ${overdue.answeredLate} răspunse după termen, ${overdue.openPastDue} deschise și trecute de termen.`,
    '',
    '## Cele mai cerute proceduri',
    '',
    ...table(['Procedură', 'Răspunsuri'], indicators.topProcedures.map((entry) => [`${entry.title} (${entry.slug})`, entry.count])),
    '',
    '## Întrebări la care asistentul nu a avut răspuns',
    '',
    `${indicators.unanswered.total} întrebări. Cele mai frecvente (pentru completarea bazei de cunoștințe din knowledge/):`,
    '',
    ...table(
      ['Întrebare', 'De câte ori'],
      indicators.unanswered.questions.map((entry) => [`${entry.text}${entry.reason === 'out_of_scope' ? ' _(în afara competenței)_' : ''}`, entry.count]),
    ),
  ];
  if (indicators.archived.users > 0 || indicators.archived.conversations > 0) {
    lines.push('', `_Include ${indicators.archived.users} utilizatori și ${indicators.archived.conversations} conversații ale căror date au fost șterse la expirarea termenului de păstrare (doar numărul lor a fost păstrat)._`);
  }
  return `${lines.join('\n')}\n`;
}

/** One row per figure: indicator, key, value — easy to pivot in a spreadsheet. */
export function renderCsv(indicators: Indicators): string {
  const rows: (string | number)[][] = [['indicator', 'key', 'value']];
  const add = (indicator: string, key: string, value: number | string | null) => rows.push([indicator, key, value ?? '']);
  add('year', '', indicators.year);
  add('users_total', '', indicators.users.total);
  add('users_target', '', indicators.users.target);
  add('users_target_share', '', indicators.users.targetShare);
  for (const [channel, count] of Object.entries(indicators.users.byChannel)) add('users_by_channel', channel, count);
  add('users_new', '', indicators.users.newUsers);
  add('users_returning', '', indicators.users.returningUsers);
  add('conversations_total', '', indicators.conversations.total);
  add('conversations_answered_by_assistant', '', indicators.conversations.answeredByAssistant);
  add('conversations_handed_to_clerk', '', indicators.conversations.handedToClerk);
  add('tickets_total', '', indicators.tickets.total);
  for (const [key, count] of Object.entries(indicators.tickets.byStatus)) add('tickets_by_status', key, count);
  for (const [key, count] of Object.entries(indicators.tickets.byDepartment)) add('tickets_by_department', key, count);
  for (const [key, count] of Object.entries(indicators.tickets.byType)) add('tickets_by_type', key, count);
  for (const [key, count] of Object.entries(indicators.tickets.byChannel)) add('tickets_by_channel', key, count);
  add('first_response_answered', '', indicators.firstResponse.answered);
  add('first_response_waiting', '', indicators.firstResponse.waiting);
  add('first_response_median_hours', '', indicators.firstResponse.medianHours);
  add('first_response_p90_hours', '', indicators.firstResponse.p90Hours);
  add('overdue_count', '', indicators.overdue.count);
  add('overdue_share', '', indicators.overdue.share);
  add('overdue_answered_late', '', indicators.overdue.answeredLate);
  add('overdue_open_past_due', '', indicators.overdue.openPastDue);
  for (const entry of indicators.topProcedures) add('top_procedure', entry.slug, entry.count);
  add('unanswered_total', '', indicators.unanswered.total);
  for (const entry of indicators.unanswered.questions) add(`unanswered_question_${entry.reason}`, entry.text, entry.count);
  return formatCsv(rows);
}

export function renderReport(indicators: Indicators, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(indicators, null, 2)}\n`;
  if (format === 'csv') return renderCsv(indicators);
  return renderMarkdown(indicators);
}
