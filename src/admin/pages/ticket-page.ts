import type { ClerkRow, SavedReplyRow, TicketEventRow } from '../../database/schema.ts';
import type { Language } from '../../language.ts';
import { sourcesOf, type MessagePart } from '../../messages.ts';
import { ticketLabel } from '../../tickets/ticket-store.ts';
import { isFinalStatus } from '../../tickets/ticket-states.ts';
import { randomToken, type Flash } from '../admin-sessions.ts';
import { html, multiline, type SafeHtml } from '../html.ts';
import { isOverdue } from '../inbox-query.ts';
import { formatCalendarDate, formatDateTime } from '../dates.ts';
import { channelNames, ticketTypeNames } from '../labels.ts';
import { eventLabel, statusLabel } from '../../tickets/ticket-labels.ts';
import type { AttachmentLink, ConversationEntry, TicketView } from '../ticket-view.ts';
import type { Department } from './inbox-page.ts';
import { ticketPath } from './inbox-page.ts';
import { page } from './layout.ts';
import { publicationNotice, type PublishMode } from '../../open311/publication.ts';

/** Longest reply a clerk may type: the web chat and the messengers accept 4000 characters. */
export const replyMaximumLength = 4000;

export interface TicketPage {
  townHallName: string;
  clerk: ClerkRow;
  csrfToken: string;
  flash?: Flash;
  view: TicketView;
  departments: Department[];
  today: string;
  /** OPEN311_PUBLISH: on Open311 tickets the clerk is told whether, and how, the answer is published. */
  open311Publish?: PublishMode;
  /** Saved replies: those in the citizen's language for this department first. */
  savedReplies: { suggested: SavedReplyRow[]; others: SavedReplyRow[] };
  /** A saved reply's text put in the reply box (the saved-reply picker without JavaScript). */
  replyDraft?: string;
}

/** Language names as they read after "în" in Romanian. */
const languageNames: Record<Language, string> = { ro: 'română', hu: 'maghiară', en: 'engleză' };

/** "Cetățeanul scrie în maghiară — răspundeți în maghiară." */
export function citizenLanguageNotice(language: Language): string {
  return `Cetățeanul scrie în ${languageNames[language]} — răspundeți în ${languageNames[language]}.`;
}

function savedReplyOption(reply: SavedReplyRow, departmentNames: Map<string, string>): SafeHtml {
  const scope = reply.department ? (departmentNames.get(reply.department) ?? reply.department) : 'toate compartimentele';
  return html`<option value="${reply.id}" data-text="${reply.text}" data-language="${reply.language}">${reply.title} (${reply.language.toUpperCase()}, ${scope})</option>`;
}

const authorNames = { citizen: 'Cetățean', bot: 'Asistentul virtual', clerk: 'Funcționar' } as const;

export function attachmentPath(link: Pick<AttachmentLink, 'messageId' | 'index'>): string {
  return `/admin/attachments/${link.messageId}/${link.index}`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

function attachmentItem(link: AttachmentLink): SafeHtml {
  return html`<li><a href="${attachmentPath(link)}" download data-testid="attachment-link">${link.attachment.fileName}</a>
    <span class="notice">(${link.attachment.mediaType}, ${formatSize(link.attachment.size)})</span></li>`;
}

function messageItem(entry: ConversationEntry): SafeHtml {
  const { message } = entry;
  const author = authorNames[message.author];
  const sources = sourcesOf((message.parts ?? []) as MessagePart[]);
  return html`<li class="message ${message.author}" data-testid="conversation-message" data-from="${message.author}" data-message-id="${message.id}">
    <p class="who"><strong>${author}${entry.clerkName ? ` (${entry.clerkName})` : ''}</strong> · <time datetime="${message.createdAt}">${formatDateTime(message.createdAt)}</time></p>
    <p class="text">${multiline(message.text)}</p>
    ${sources.length > 0 ? html`<p class="notice">Surse: ${sources.map((source) => source.title).join('; ')}</p>` : ''}
    ${entry.attachments.length > 0 ? html`<ul class="files">${entry.attachments.map(attachmentItem)}</ul>` : ''}
    ${entry.delivery ? html`<span class="delivery ${entry.delivery.state}" data-testid="delivery-status">Livrare: ${entry.delivery.text}</span>` : ''}
  </li>`;
}

function actorName(event: TicketEventRow, clerkNames: Map<string, string>): string {
  if (event.actorType === 'clerk') return clerkNames.get(event.actorId ?? '') ?? `funcționar #${event.actorId ?? '?'}`;
  return { citizen: 'cetățean', bot: 'asistent', system: 'sistem', unknown: 'necunoscut' }[event.actorType] ?? event.actorType;
}

function eventDetail(event: TicketEventRow, departmentNames: Map<string, string>): string {
  const detail = event.detail ?? {};
  const parts: string[] = [];
  if (typeof detail.text === 'string') parts.push(detail.text.length > 300 ? `${detail.text.slice(0, 300)}…` : detail.text);
  if (typeof detail.department === 'string') parts.push(`compartiment: ${departmentNames.get(detail.department) ?? detail.department}`);
  if (typeof detail.clerk === 'string') parts.push(`funcționar: ${detail.clerk}`);
  if (typeof detail.reason === 'string') parts.push(`motiv: ${detail.reason}`);
  if (typeof detail.type === 'string' && event.kind === 'created') parts.push(`tip: ${ticketTypeNames[detail.type] ?? detail.type}`);
  return parts.join(' · ');
}

function hiddenFields(csrfToken: string): SafeHtml {
  // The submission id lets the server recognise a form sent twice (double click, resent POST).
  return html`<input type="hidden" name="_csrf" value="${csrfToken}"><input type="hidden" name="submission" value="${randomToken(12)}">`;
}

/**
 * The outcome of the last action, in the reply box. It is the #reply target when present (and focusable):
 * the browser that comes back to #reply after sending focuses it, so it is announced, not the page top.
 */
function outcomeMessage(flash: Flash | undefined): SafeHtml {
  if (!flash) return html``;
  return html`<p class="flash ${flash.kind}" id="reply" tabindex="-1" role="${flash.kind === 'error' ? 'alert' : 'status'}" data-flash data-testid="admin-flash">${flash.text}</p>`;
}

export function ticketPage(view: TicketPage): string {
  const { ticket, contact, assignee, thread, transcript, attachments, events, notes, clerks, truncated, language } = view.view;
  const label = ticketLabel(ticket);
  const base = ticketPath(ticket);
  const closed = isFinalStatus(ticket.status);
  const overdue = isOverdue(ticket, view.today);
  const departmentNames = new Map(view.departments.map((department) => [department.id, department.name]));
  const clerkNames = new Map(clerks.map((clerk) => [String(clerk.id), clerk.name]));
  const citizen = [ticket.citizenName, ticket.citizenPhone, ticket.citizenEmail, contact?.displayName && contact.displayName !== ticket.citizenName ? contact.displayName : undefined].filter(Boolean).join(' · ');

  // The answer (and a closing note) becomes the request's public status_notes on Open311.
  const publicNotice =
    ticket.channel === 'open311' ? html`<p class="notice" role="note" data-testid="open311-public-notice">${publicationNotice(view.open311Publish ?? 'masked')}</p>` : '';

  const { suggested, others } = view.savedReplies;
  // Without JavaScript the picker is a GET form that reloads the page with the text in the box; with it,
  // admin.js inserts the text where the cursor is and the page stays as it is.
  const savedReplyPicker =
    suggested.length + others.length === 0
      ? html`<p class="hint">Nu există răspunsuri salvate. <a href="/admin/replies">Adăugați</a> texte folosite des, în română și în maghiară.</p>`
      : html`<form class="saved-replies" method="get" action="${base}#reply" data-saved-replies data-target="reply-text">
          <label for="saved-reply">Răspuns salvat</label>
          <select id="saved-reply" name="raspuns" data-testid="saved-reply-select">
            <option value="">— alegeți un text —</option>
            ${suggested.length > 0 ? html`<optgroup label="În ${languageNames[language]}, pentru acest compartiment">${suggested.map((reply) => savedReplyOption(reply, departmentNames))}</optgroup>` : ''}
            ${others.length > 0 ? html`<optgroup label="Altele">${others.map((reply) => savedReplyOption(reply, departmentNames))}</optgroup>` : ''}
          </select>
          <button class="button secondary" type="submit" data-testid="saved-reply-insert">Pune în mesaj</button>
        </form>`;

  const replyForm = closed
    ? html`<p class="notice">Tichetul este închis; nu se mai poate răspunde.</p>`
    : html`${savedReplyPicker}
      <form method="post" action="${base}/reply">
        ${hiddenFields(view.csrfToken)}
        <div class="field">
          <label for="reply-text">Mesajul pentru cetățean</label>
          <p class="hint" id="reply-hint">Ajunge pe canalul cetățeanului (${channelNames[ticket.channel] ?? ticket.channel}), cu numărul tichetului. Nu scrieți CNP-ul.</p>
          ${publicNotice}
          <textarea id="reply-text" name="text" required maxlength="${replyMaximumLength}" lang="${language}" aria-describedby="citizen-language reply-hint reply-count" data-counter="reply-count" data-testid="reply-text">${view.replyDraft ?? ''}</textarea>
          <p class="hint" id="reply-count"></p>
        </div>
        <div class="actions"><button class="button" type="submit" data-testid="reply-send">Trimite răspunsul</button></div>
      </form>`;

  const assignForm = html`<form method="post" action="${base}/assign">
      ${hiddenFields(view.csrfToken)}
      <div class="field">
        <label for="assign-target">Alocă la compartiment sau funcționar</label>
        <select id="assign-target" name="target" required>
          <optgroup label="Compartimente">
            ${view.departments.map((department) => html`<option value="department:${department.id}" ${department.id === ticket.department && !assignee ? html`selected` : ''}>${department.name}</option>`)}
          </optgroup>
          <optgroup label="Funcționari">
            ${clerks.filter((clerk) => clerk.active).map((clerk) => html`<option value="clerk:${clerk.id}" ${assignee?.id === clerk.id ? html`selected` : ''}>${clerk.name} (${departmentNames.get(clerk.department) ?? clerk.department})</option>`)}
          </optgroup>
        </select>
      </div>
      <div class="actions">
        <button class="button secondary" type="submit">Alocă</button>
      </div>
    </form>
    ${assignee?.id === view.clerk.id
      ? ''
      : html`<form method="post" action="${base}/take" class="actions">${hiddenFields(view.csrfToken)}<button class="button secondary" type="submit">Preiau eu tichetul</button></form>`}`;

  const closeForm = closed
    ? html`<p class="notice">Închis la ${ticket.closedAt ? formatDateTime(ticket.closedAt) : '—'}.</p>`
    : html`<form method="post" action="${base}/close" data-confirm="Închideți tichetul ${label}?">
        ${hiddenFields(view.csrfToken)}
        <div class="field">
          <label for="close-text">Mesaj final pentru cetățean (opțional)</label>
          ${publicNotice}
          <textarea id="close-text" name="text" maxlength="${replyMaximumLength}" lang="${language}"></textarea>
        </div>
        <div class="actions"><button class="button danger" type="submit">Închide tichetul</button></div>
      </form>`;

  // Reply box first, then the thread newest first (what the citizen wrote last is read first), then the
  // request, then the bot's conversation folded away: the clerk works without scrolling past transcripts.
  const body = html`<div data-live-ticket="${label}">
    <p><a href="/admin">← Înapoi la tichete</a> · <a href="/admin/tickets/${ticket.year}/${ticket.number}/issue" data-testid="issue-document-link">Emite document</a></p>
    <h1 data-testid="ticket-title">Tichet ${label} — ${ticket.subject}</h1>
    <p class="badges" data-live="ticket-badges">
      <span class="badge status">${statusLabel(ticket.status, 'ro', 'staff')}</span>
      ${overdue ? html`<span class="badge overdue">întârziat</span>` : ''}
      ${ticket.unreadCitizenMessages > 0 ? html`<span class="badge unread" data-testid="ticket-unread">${ticket.unreadCitizenMessages} ${ticket.unreadCitizenMessages === 1 ? 'mesaj nou' : 'mesaje noi'}</span>` : ''}
      <span class="badge language" lang="ro">limba: ${languageNames[language]}</span>
    </p>
    <div class="ticket-layout">
      <div>
        <section class="card" ${view.flash ? '' : html`id="reply"`} aria-labelledby="raspuns">
          <h2 id="raspuns">Răspuns către cetățean</h2>
          ${outcomeMessage(view.flash)}
          <p class="language-notice" id="citizen-language" data-testid="citizen-language" data-language="${language}">${citizenLanguageNotice(language)}</p>
          ${replyForm}
        </section>
        <p class="visually-hidden" aria-live="polite" data-live-announcer></p>
        <section class="card" aria-labelledby="firul" data-live="thread">
          <h2 id="firul">Mesajele tichetului <span class="notice">(cele mai noi primele)</span></h2>
          ${thread.length === 0
            ? html`<p class="notice" data-testid="thread-empty">Niciun mesaj încă: cetățeanul primește răspunsul dvs. pe canalul său și poate scrie înapoi aici.</p>`
            : html`<ol class="conversation newest-first" data-testid="thread">${thread.map(messageItem)}</ol>`}
        </section>
        <section class="card" aria-labelledby="cererea">
          <h2 id="cererea">Cererea</h2>
          <p class="request-text" data-testid="request-text">${ticket.text}</p>
        </section>
        <details class="card transcript" data-testid="transcript">
          <summary>Conversația cu asistentul virtual (${transcript.length} ${transcript.length === 1 ? 'mesaj' : 'mesaje'})</summary>
          ${truncated ? html`<p class="notice">Se arată ultimele mesaje.</p>` : ''}
          ${transcript.length === 0 ? html`<p class="notice">Niciun mesaj.</p>` : html`<ol class="conversation" data-testid="conversation">${transcript.map(messageItem)}</ol>`}
        </details>
      </div>
      <div>
        <section class="card" aria-labelledby="detalii" data-live="ticket-details">
          <h2 id="detalii">Detalii</h2>
          <dl class="details">
            <dt>Stare</dt><dd><span class="badge status" data-testid="ticket-status">${statusLabel(ticket.status, 'ro', 'staff')}</span>
              ${overdue ? html` <span class="badge overdue">întârziat</span>` : ''}</dd>
            <dt>Termen legal</dt><dd>${formatCalendarDate(ticket.dueDate)} <span class="notice">(${ticket.dueRule})</span></dd>
            <dt>Tip</dt><dd>${ticketTypeNames[ticket.type] ?? ticket.type}${ticket.handover ? ' · cere un funcționar' : ''}</dd>
            <dt>Compartiment</dt><dd data-testid="ticket-department">${departmentNames.get(ticket.department) ?? ticket.department}</dd>
            <dt>Alocat</dt><dd data-testid="ticket-assignee">${assignee?.name ?? 'nealocat'}</dd>
            <dt>Canal</dt><dd>${channelNames[ticket.channel] ?? ticket.channel}</dd>
            <dt>Limba</dt><dd data-testid="ticket-language">${languageNames[language]}</dd>
            <dt>Cetățean</dt><dd>${citizen || '—'}</dd>
            <dt>Înregistrat</dt><dd data-testid="ticket-created">${formatDateTime(ticket.createdAt)}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="alocare">
          <h2 id="alocare">Alocare</h2>
          ${assignForm}
        </section>
        <section class="card" aria-labelledby="note">
          <h2 id="note">Note interne</h2>
          <p class="hint">Le văd doar funcționarii; cetățeanul nu le primește.</p>
          ${notes.length === 0
            ? html`<p class="notice">Nicio notă.</p>`
            : html`<ul class="notes" data-testid="notes">${notes.map(
                (note) => html`<li><span class="who">${actorName(note, clerkNames)} · ${formatDateTime(note.createdAt)}</span>${multiline(String(note.detail?.text ?? ''))}</li>`,
              )}</ul>`}
          <form method="post" action="${base}/note">
            ${hiddenFields(view.csrfToken)}
            <div class="field">
              <label for="note-text">Notă nouă</label>
              <textarea id="note-text" name="text" required maxlength="${replyMaximumLength}"></textarea>
            </div>
            <div class="actions"><button class="button secondary" type="submit">Adaugă nota</button></div>
          </form>
        </section>
        <section class="card" aria-labelledby="atasamente">
          <h2 id="atasamente">Atașamente</h2>
          ${attachments.length === 0 ? html`<p class="notice">Niciun fișier primit.</p>` : html`<ul>${attachments.map(attachmentItem)}</ul>`}
        </section>
        <section class="card" aria-labelledby="inchidere">
          <h2 id="inchidere">Închidere</h2>
          ${closeForm}
        </section>
      </div>
    </div>
    <section class="card" aria-labelledby="istoric" data-live="events">
      <h2 id="istoric">Istoric (audit)</h2>
      <div class="table-scroll" role="region" aria-labelledby="istoric" tabindex="0">
        <table class="events" data-testid="events">
          <thead><tr><th scope="col">Când</th><th scope="col">Ce</th><th scope="col">Cine</th><th scope="col">Canal</th><th scope="col">Detalii</th></tr></thead>
          <tbody>
            ${events.map(
              (event) => html`<tr>
                <td><time datetime="${event.createdAt}">${formatDateTime(event.createdAt)}</time></td>
                <td>${eventLabel(event.kind, 'ro')}</td>
                <td>${actorName(event, clerkNames)}</td>
                <td>${event.channel ? (channelNames[event.channel] ?? event.channel) : '—'}</td>
                <td>${eventDetail(event, departmentNames)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>
  </div>`;
  // The outcome of an action is shown in the reply box (above), where the clerk is: not at the page's top.
  return page({ title: `Tichet ${label}`, townHallName: view.townHallName, signedIn: { clerkName: view.clerk.name, csrfToken: view.csrfToken }, current: 'inbox', body });
}
