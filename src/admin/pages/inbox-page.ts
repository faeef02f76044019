import type { ClerkRow, TicketRow } from '../../database/schema.ts';
import { ticketLabel, ticketStatuses } from '../../tickets/ticket-store.ts';
import type { Flash } from '../admin-sessions.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatCalendarDate, formatDateTime } from '../dates.ts';
import { inboxPageSize, isOverdue, searchMaximumLength, unreadTotal, type InboxFilters } from '../inbox-query.ts';
import { channelNames, ticketTypeNames } from '../labels.ts';
import { countedNouns, countOf, statusLabel } from '../../tickets/ticket-labels.ts';
import { page } from './layout.ts';

export interface Department {
  id: string;
  name: string;
}

export interface InboxPage {
  townHallName: string;
  clerk: ClerkRow;
  csrfToken: string;
  flash?: Flash;
  filters: InboxFilters;
  tickets: TicketRow[];
  departments: Department[];
  clerks: ClerkRow[];
  today: string;
  /** Tickets some clerk has opened; a new ticket nobody opened yet gets the unread marker too. */
  opened: Set<number>;
}

function option(value: string, label: string, selected: boolean): SafeHtml {
  return html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
}

export function ticketPath(ticket: Pick<TicketRow, 'year' | 'number'>): string {
  return `/admin/tickets/${ticket.year}/${ticket.number}`;
}

function ticketRow(ticket: TicketRow, view: InboxPage, clerkNames: Map<number, string>, departmentNames: Map<string, string>): SafeHtml {
  const overdue = isOverdue(ticket, view.today);
  const headingId = `tichet-${ticket.year}-${ticket.number}`;
  const unopened = ticket.status === 'nou' && !view.opened.has(ticket.id);
  const marked = ticket.unreadCitizenMessages > 0 || unopened;
  const assignee = ticket.assigneeClerkId ? (clerkNames.get(ticket.assigneeClerkId) ?? `#${ticket.assigneeClerkId}`) : 'nealocat';
  return html`<li>
    <article class="ticket-row${overdue ? ' overdue' : ''}${marked ? ' unread' : ''}" aria-labelledby="${headingId}" data-testid="ticket-row" data-ticket="${ticketLabel(ticket)}" data-unread="${ticket.unreadCitizenMessages}">
      <div>
        <h2 class="subject" id="${headingId}"><a href="${ticketPath(ticket)}">${ticketLabel(ticket)} · ${ticket.subject}</a></h2>
        <dl class="meta">
          <div><dt>Compartiment:</dt> <dd>${departmentNames.get(ticket.department) ?? ticket.department}</dd></div>
          <div><dt>Termen:</dt> <dd>${formatCalendarDate(ticket.dueDate)}</dd></div>
          <div><dt>Alocat:</dt> <dd>${assignee}</dd></div>
          <div><dt>Tip:</dt> <dd>${ticketTypeNames[ticket.type] ?? ticket.type}</dd></div>
          <div><dt>Canal:</dt> <dd>${channelNames[ticket.channel] ?? ticket.channel}</dd></div>
          ${ticket.lastCitizenMessageAt ? html`<div><dt>Ultimul mesaj al cetățeanului:</dt> <dd>${formatDateTime(ticket.lastCitizenMessageAt)}</dd></div>` : ''}
        </dl>
      </div>
      <p class="badges">
        ${ticket.unreadCitizenMessages > 0
          ? html`<span class="badge unread" data-testid="unread-marker">${ticket.unreadCitizenMessages} ${ticket.unreadCitizenMessages === 1 ? 'mesaj nou' : 'mesaje noi'}</span>`
          : unopened
            ? html`<span class="badge unread" data-testid="unread-marker">nedeschis</span>`
            : ''}
        <span class="badge status">${statusLabel(ticket.status, 'ro', 'staff')}</span>
        ${overdue ? html`<span class="badge overdue">întârziat</span>` : ''}
        ${ticket.handover ? html`<span class="badge handover">cere un funcționar</span>` : ''}
      </p>
    </article>
  </li>`;
}

export function inboxPage(view: InboxPage): string {
  const { filters } = view;
  const clerkNames = new Map(view.clerks.map((clerk) => [clerk.id, clerk.name]));
  const departmentNames = new Map(view.departments.map((department) => [department.id, department.name]));
  const shown = view.tickets.slice(0, inboxPageSize);
  const overdueCount = view.tickets.filter((ticket) => isOverdue(ticket, view.today)).length;
  const unread = unreadTotal(view.tickets);
  const body = html`<div data-live-inbox>
    <h1>Tichete <span class="badge unread" data-live="unread-total" data-testid="unread-total" data-unread="${unread}" ${unread === 0 ? html`hidden` : ''}>${unread} ${unread === 1 ? 'mesaj nou' : 'mesaje noi'}</span></h1>
    <form class="card" method="get" action="/admin" role="search" aria-label="Caută și filtrează tichetele">
      <div class="field search">
        <label for="q">Caută</label>
        <input type="search" id="q" name="q" value="${filters.search}" maxlength="${searchMaximumLength}" placeholder="12 sau 12/2026, nume, text" aria-describedby="q-hint" data-testid="inbox-search">
        <p class="hint" id="q-hint">Numărul tichetului, numele cetățeanului sau cuvinte din cerere și din mesaje. Caută și în tichetele închise.</p>
      </div>
      <div class="filters">
        <div>
          <label for="status">Stare</label>
          <select id="status" name="status">
            ${option('open', 'deschise', filters.status === 'open')}
            ${ticketStatuses.map((status) => option(status, statusLabel(status, 'ro', 'staff'), filters.status === status))}
            ${option('all', 'toate', filters.status === 'all')}
          </select>
        </div>
        <div>
          <label for="department">Compartiment</label>
          <select id="department" name="department">
            ${option('', 'toate compartimentele', !filters.department)}
            ${view.departments.map((department) => option(department.id, department.name, filters.department === department.id))}
          </select>
        </div>
        <div>
          <label for="assignee">Alocat</label>
          <select id="assignee" name="assignee">
            ${option('', 'oricui', filters.assignee === 'any')}
            ${option('me', `mie (${view.clerk.name})`, filters.assignee === 'me')}
            ${option('none', 'nealocate', filters.assignee === 'none')}
            ${view.clerks.filter((clerk) => clerk.active).map((clerk) => option(String(clerk.id), clerk.name, filters.assignee === clerk.id))}
          </select>
        </div>
        <div class="check">
          <input type="checkbox" id="overdue" name="overdue" value="1" ${filters.overdue ? html`checked` : ''}>
          <label for="overdue">Doar cele întârziate</label>
        </div>
      </div>
      <div class="actions">
        <button class="button" type="submit">Filtrează</button>
        <a class="button secondary" href="/admin">Resetează</a>
      </div>
    </form>
    <p class="visually-hidden" aria-live="polite" data-live-announcer></p>
    <div data-live="inbox-list">
    <p class="summary" data-testid="inbox-summary">${countOf(view.tickets.length, countedNouns.ticket.ro, 'ro')}${overdueCount > 0 ? `, din care ${overdueCount} ${overdueCount === 1 ? 'întârziat' : 'întârziate'}` : ''}; ordonate după termen.${view.tickets.length > shown.length ? ` Se arată primele ${shown.length}; restrângeți filtrele.` : ''}</p>
    ${shown.length === 0
      ? html`<p class="empty">${filters.search ? 'Niciun tichet nu se potrivește căutării.' : 'Niciun tichet pentru aceste filtre.'}</p>`
      : html`<ol class="ticket-list" aria-label="Tichete, după termen">${shown.map((ticket) => ticketRow(ticket, view, clerkNames, departmentNames))}</ol>`}
    </div>
  </div>`;
  return page({ title: unread > 0 ? `(${unread}) Tichete` : 'Tichete', townHallName: view.townHallName, signedIn: { clerkName: view.clerk.name, csrfToken: view.csrfToken }, current: 'inbox', flash: view.flash, body });
}
