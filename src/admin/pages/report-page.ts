import type { Indicators } from '../../reports/indicators.ts';
import type { Flash } from '../admin-sessions.ts';
import { html, type SafeHtml } from '../html.ts';
import { channelNames, formatDateTime, ticketTypeNames } from '../labels.ts';
import { countedNouns, countOf, statusLabel } from '../../tickets/ticket-labels.ts';
import { barChart, formatNumber, type BarDatum } from '../svg-bar-chart.ts';
import { page } from './layout.ts';

export interface ReportPage {
  townHallName: string;
  clerkName: string;
  csrfToken: string;
  flash?: Flash;
  indicators: Indicators;
  years: number[];
  departmentName(id: string): string;
}

function percent(share: number): string {
  return `${formatNumber(Math.round(share * 1000) / 10)} %`;
}

function hours(value: number | null): string {
  if (value === null) return '—';
  // The figures come rounded to a tenth of an hour; 0 means "within six minutes", not "instantly".
  return value === 0 ? 'sub 0,1 h' : `${formatNumber(value)} h`;
}

function countsToBars(counts: Record<string, number>, label: (key: string) => string): BarDatum[] {
  return Object.entries(counts).map(([key, value]) => ({ label: label(key), value }));
}

function section(id: string, title: string, content: SafeHtml, note?: string): SafeHtml {
  return html`<section class="card" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    ${note ? html`<p class="hint">${note}</p>` : ''}
    ${content}
  </section>`;
}

export function reportPage(view: ReportPage): string {
  const { indicators } = view;
  const { users, conversations, tickets, firstResponse, overdue, topProcedures, unanswered } = indicators;
  const onTime = Math.max(0, tickets.total - overdue.count);
  const body = html`<h1>Indicatori ${indicators.year}</h1>
    <form class="year-form" method="get" action="/admin/report">
      <div class="field">
        <label for="year">Anul</label>
        <select id="year" name="year">
          ${view.years.map((year) => html`<option value="${year}" ${year === indicators.year ? html`selected` : ''}>${year}</option>`)}
        </select>
      </div>
      <button class="button" type="submit">Arată</button>
    </form>
    <p class="hint">Calculat din baza de date la ${formatDateTime(indicators.generatedAt)}. Aceleași cifre le dă comanda <code>functionar report --year ${indicators.year}</code>.</p>

    <section class="card" aria-labelledby="rezumat">
      <h2 id="rezumat">Pe scurt</h2>
      <dl class="figure-list" data-testid="report-figures">
        <div><dt>Utilizatori distincți</dt><dd>${formatNumber(users.total)} <small>din ${formatNumber(users.target)} (${percent(users.targetShare)})</small></dd></div>
        <div><dt>Conversații</dt><dd>${formatNumber(conversations.total)}</dd></div>
        <div><dt>Cereri înregistrate</dt><dd>${formatNumber(tickets.total)}</dd></div>
        <div><dt>Primul răspuns, mediana</dt><dd>${hours(firstResponse.medianHours)}</dd></div>
        <div><dt>Primul răspuns, percentila 90</dt><dd>${hours(firstResponse.p90Hours)}</dd></div>
        <div><dt>Termene depășite</dt><dd>${percent(overdue.share)} <small>(${formatNumber(overdue.count)})</small></dd></div>
      </dl>
    </section>

    <div class="report-grid">
      ${section(
        'utilizatori',
        'Utilizatori distincți pe canal',
        barChart({
          id: 'grafic-utilizatori',
          title: `Utilizatori distincți pe canal în ${indicators.year}, față de ținta de ${users.target}`,
          data: [
            ...countsToBars(users.byChannel, (channel) => channelNames[channel] ?? channel),
            { label: 'Total', value: users.total, tone: 'alt' },
          ],
          target: { value: users.target, label: `ținta: ${users.target} pe an` },
          valueHeader: 'Utilizatori',
        }),
        `Proiectul finanțat promite ${users.target} de utilizatori pe an; linia punctată arată ținta.`,
      )}
      ${section(
        'noi-reveniti',
        'Utilizatori noi și reveniți',
        barChart({
          id: 'grafic-noi',
          title: 'Utilizatori noi în acest an și utilizatori reveniți din anii anteriori',
          data: [
            { label: 'Noi (primul contact în acest an)', value: users.newUsers },
            { label: 'Reveniți din anii anteriori', value: users.returningUsers, tone: 'alt' },
          ],
          valueHeader: 'Utilizatori',
        }),
      )}
      ${section(
        'conversatii',
        'Conversații: asistent sau funcționar',
        barChart({
          id: 'grafic-conversatii',
          title: 'Conversații rezolvate de asistent și conversații preluate de un funcționar',
          data: [
            { label: 'Rezolvate de asistent', value: conversations.answeredByAssistant },
            { label: 'Preluate de un funcționar', value: conversations.handedToClerk, tone: 'alt' },
          ],
          valueHeader: 'Conversații',
        }),
      )}
      ${section(
        'raspuns',
        'Timpul până la primul răspuns al unui funcționar',
        barChart({
          id: 'grafic-raspuns',
          title: 'Ore până la primul răspuns: mediana și percentila 90',
          data: [
            { label: 'Mediana', value: firstResponse.medianHours ?? 0, valueLabel: hours(firstResponse.medianHours) },
            { label: 'Percentila 90', value: firstResponse.p90Hours ?? 0, valueLabel: hours(firstResponse.p90Hours), tone: 'alt' },
          ],
          valueHeader: 'Ore',
        }),
        `${countOf(firstResponse.answered, countedNouns.request.ro, 'ro', formatNumber)} ${firstResponse.answered === 1 ? 'a primit' : 'au primit'} răspuns; ${formatNumber(firstResponse.waiting)} încă așteaptă primul răspuns.`,
      )}
      ${section(
        'stare',
        'Cereri după stare',
        barChart({ id: 'grafic-stare', title: 'Cereri după stare', data: countsToBars(tickets.byStatus, (status) => statusLabel(status, 'ro', 'staff')), valueHeader: 'Cereri' }),
      )}
      ${section(
        'compartiment',
        'Cereri după compartiment',
        barChart({ id: 'grafic-compartiment', title: 'Cereri după compartiment', data: countsToBars(tickets.byDepartment, view.departmentName), valueHeader: 'Cereri' }),
      )}
      ${section(
        'tip',
        'Cereri după tip',
        barChart({ id: 'grafic-tip', title: 'Cereri după tip', data: countsToBars(tickets.byType, (type) => ticketTypeNames[type] ?? type), valueHeader: 'Cereri' }),
      )}
      ${section(
        'termene',
        'Termene legale',
        barChart({
          id: 'grafic-termene',
          title: 'Cereri în termen și cereri cu termenul depășit',
          data: [
            { label: 'În termen', value: onTime },
            { label: 'Răspuns după termen', value: overdue.answeredLate, tone: 'alt' },
            { label: 'Deschise, cu termenul depășit', value: overdue.openPastDue, tone: 'alt' },
          ],
          valueHeader: 'Cereri',
        }),
        `Termen depășit: ${percent(overdue.share)} din cereri.`,
      )}
      ${section(
        'proceduri',
        'Cele mai căutate proceduri',
        barChart({ id: 'grafic-proceduri', title: 'Procedurile despre care s-a întrebat cel mai des', data: topProcedures.map((procedure) => ({ label: procedure.title, value: procedure.count })), valueHeader: 'Întrebări' }),
      )}
    </div>

    ${section(
      'fara-raspuns',
      'Întrebări la care asistentul nu a știut răspunsul',
      unanswered.questions.length === 0
        ? html`<p class="notice">Nicio întrebare fără răspuns în acest an.</p>`
        : html`<div class="table-scroll" role="region" aria-labelledby="fara-raspuns" tabindex="0">
            <table class="data-table" data-testid="unanswered">
              <thead><tr><th scope="col">Întrebarea</th><th scope="col" class="number">De câte ori</th><th scope="col">De ce</th></tr></thead>
              <tbody>${unanswered.questions.map(
                (question) => html`<tr><td>${question.text}</td><td class="number">${formatNumber(question.count)}</td><td>${question.reason === 'out_of_scope' ? 'nu ține de primărie' : 'lipsește din baza de cunoștințe'}</td></tr>`,
              )}</tbody>
            </table>
          </div>`,
      `${formatNumber(unanswered.total)} întrebări în total. Cele care țin de primărie merită adăugate în knowledge/ (vezi README, „Baza de cunoștințe”).`,
    )}`;
  return page({ title: `Indicatori ${indicators.year}`, townHallName: view.townHallName, signedIn: { clerkName: view.clerkName, csrfToken: view.csrfToken }, current: 'report', flash: view.flash, body });
}
