import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attachmentFilePath } from '../../attachments/attachment-store.ts';
import { firstRow } from '../../database/connection.ts';
import { messages } from '../../database/schema.ts';
import { AppError } from '../../errors.ts';
import type { ClerkCommand, TicketReference } from '../../tickets/clerk-command.ts';
import { succeeded } from '../../tickets/clerk-command.ts';
import { renderClerkOutcome } from '../../tickets/clerk-command-texts.ts';
import { localDate } from '../../tickets/deadlines.ts';
import { isDepartmentId } from '../../tickets/ticket-labels.ts';
import { findTicket } from '../../tickets/ticket-store.ts';
import { markThreadRead } from '../../tickets/ticket-thread.ts';
import { claimSubmission, setFlash, takeFlash } from '../admin-sessions.ts';
import { findSavedReply, savedRepliesFor } from '../saved-replies.ts';
import { ticketPath } from '../pages/inbox-page.ts';
import { replyMaximumLength, ticketPage } from '../pages/ticket-page.ts';
import { attachmentsOfMessage, ticketView } from '../ticket-view.ts';
import { actionBody, type AdminRouteContext } from './admin-context.ts';

/** Sent by admin.js when an open page fetches itself again after a live event. */
const liveRefreshHeader = 'x-live-refresh';

const ticketParams = {
  type: 'object',
  required: ['year', 'number'],
  properties: { year: { type: 'string', pattern: '^[0-9]{4}$' }, number: { type: 'string', pattern: '^[0-9]{1,6}$' } },
} as const;

interface TicketParams {
  year: string;
  number: string;
}
interface ActionBody {
  _csrf: string;
  submission?: string;
  text?: string;
  target?: string;
}

function normaliseText(text: string | undefined): string {
  return (text ?? '').replace(/\r\n?/g, '\n').trim();
}

/**
 * `/admin/tickets/:year/:number`: one ticket, its forms (reply, note, take, close, assign) and its
 * attachments, in the signed-in scope. Every form runs a clerk command, as on Telegram and Teams.
 */
export function registerTicketRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName } = context;
  const loadTicket = async (request: FastifyRequest<{ Params: TicketParams }>) => {
    const ticket = await findTicket(db, { year: Number(request.params.year), number: Number(request.params.number) });
    if (!ticket) throw new AppError('FV_ERR_TICKET_NOT_FOUND', `Tichetul ${request.params.number}/${request.params.year} nu există.`, 404);
    return ticket;
  };

  scope.get<{ Params: TicketParams; Querystring: { raspuns?: string } }>(
    '/tickets/:year/:number',
    { schema: { params: ticketParams, querystring: { type: 'object', properties: { raspuns: { type: 'string', maxLength: 12 } } } } },
    async (request, reply) => {
      const { session, clerk } = context.current(request);
      const found = await loadTicket(request);
      const now = new Date();
      // Opening the page is /vezi: recorded in the audit trail (who saw which personal data) and it clears
      // the ticket's unread marker, as on Telegram and Teams. The page refreshing itself while open (a new
      // citizen message arrived) only marks it read: the clerk opened it once, the audit says so once.
      if (request.headers[liveRefreshHeader] === '1') await markThreadRead(db, found.id);
      else await context.clerkCommands.runCommand(clerk.id, { name: 'show', ticket: { number: found.number, year: found.year } }, { channel: 'web' });
      const ticket = await loadTicket(request);
      const view = await ticketView(db, ticket);
      const draft = /^\d{1,12}$/.test(request.query.raspuns ?? '') ? (await findSavedReply(db, Number(request.query.raspuns)))?.text : undefined;
      return context.sendPage(
        reply,
        200,
        ticketPage({
          townHallName,
          clerk,
          csrfToken: session.csrfToken,
          flash: await takeFlash(db, session),
          view,
          departments: context.departments(),
          today: localDate(now),
          open311Publish: context.config.open311.publish,
          savedReplies: await savedRepliesFor(db, ticket.department, view.language),
          replyDraft: draft,
        }),
      );
    },
  );

  /**
   * Runs one clerk command for a ticket form and comes back to the ticket (post/redirect/get), with the
   * outcome as the message on the page. A submission already handled is not run again.
   */
  const ticketAction = (buildCommand: (ticket: TicketReference, body: ActionBody) => ClerkCommand | { error: string }, fragment = '') =>
    async (request: FastifyRequest<{ Params: TicketParams; Body: ActionBody }>, reply: FastifyReply) => {
      const { session, clerk } = context.current(request);
      const ticket = await loadTicket(request);
      // The outcome is shown (and focused) in the reply box; after a reply the page comes back there (#reply).
      const back = `${ticketPath(ticket)}${fragment}`;
      const command = buildCommand({ number: ticket.number, year: ticket.year }, request.body);
      if ('error' in command) {
        await setFlash(db, session.id, { kind: 'error', text: command.error });
        return reply.redirect(back, 303);
      }
      if (request.body.submission && !(await claimSubmission(db, session.id, request.body.submission))) return reply.redirect(back, 303);
      const outcome = await context.clerkCommands.runCommand(clerk.id, command, { channel: 'web' });
      await setFlash(db, session.id, { kind: succeeded(outcome) ? 'success' : 'error', text: renderClerkOutcome(outcome, 'ro') });
      return reply.redirect(back, 303);
    };
  const tooLong = (text: string) => ({ error: `Textul are ${text.length} caractere; cel mult ${replyMaximumLength} sunt permise.` });
  const withText = (name: 'reply' | 'note', empty: string) => (ticket: TicketReference, body: ActionBody): ClerkCommand | { error: string } => {
    const text = normaliseText(body.text);
    if (!text) return { error: empty };
    if (text.length > replyMaximumLength) return tooLong(text);
    return { name, ticket, text };
  };
  const actionOptions = { schema: { params: ticketParams, body: actionBody } };

  scope.post<{ Params: TicketParams; Body: ActionBody }>('/tickets/:year/:number/reply', actionOptions, ticketAction(withText('reply', 'Scrieți răspunsul înainte de a-l trimite.'), '#reply'));
  scope.post<{ Params: TicketParams; Body: ActionBody }>('/tickets/:year/:number/note', actionOptions, ticketAction(withText('note', 'Scrieți textul notei.')));
  scope.post<{ Params: TicketParams; Body: ActionBody }>('/tickets/:year/:number/take', actionOptions, ticketAction((ticket) => ({ name: 'take', ticket })));
  scope.post<{ Params: TicketParams; Body: ActionBody }>(
    '/tickets/:year/:number/close',
    actionOptions,
    ticketAction((ticket, body) => {
      const text = normaliseText(body.text);
      return text.length > replyMaximumLength ? tooLong(text) : { name: 'close', ticket, text };
    }),
  );
  scope.post<{ Params: TicketParams; Body: ActionBody }>(
    '/tickets/:year/:number/assign',
    actionOptions,
    ticketAction((ticket, body) => {
      // The form offers "department:<id>" and "clerk:<id>"; anything else did not come from it.
      const [kind, value] = (body.target ?? '').split(':', 2);
      if (kind === 'department' && value && isDepartmentId(value)) return { name: 'assign', ticket, target: { kind: 'department', department: value } };
      if (kind === 'clerk' && value && /^\d{1,12}$/.test(value)) return { name: 'assign', ticket, target: { kind: 'clerk', clerkId: Number(value) } };
      return { error: 'Alegeți un compartiment sau un funcționar din listă.' };
    }),
  );

  scope.get<{ Params: { messageId: string; index: string } }>(
    '/attachments/:messageId/:index',
    {
      schema: {
        params: {
          type: 'object',
          required: ['messageId', 'index'],
          properties: { messageId: { type: 'string', pattern: '^[0-9]{1,12}$' }, index: { type: 'string', pattern: '^[0-9]{1,3}$' } },
        },
      },
    },
    async (request, reply) => {
      // Files are found by message id and position only; the stored path is checked to stay inside data/attachments.
      const message = await firstRow(db.select().from(messages).where(eq(messages.id, Number(request.params.messageId))));
      const link = message ? attachmentsOfMessage(message)[Number(request.params.index)] : undefined;
      if (!link) return context.sendError(request, reply, 404, 'Fișierul nu există', 'Atașamentul cerut nu există.');
      const filePath = attachmentFilePath(context.config.dataDirectory, link.attachment);
      if (!fs.existsSync(filePath)) return context.sendError(request, reply, 404, 'Fișierul nu există', 'Fișierul nu mai este pe server (a fost șters sau arhivat).');
      const mediaType = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(link.attachment.mediaType) ? link.attachment.mediaType : 'application/octet-stream';
      const asciiName = link.attachment.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return reply
        .type(mediaType)
        .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(link.attachment.fileName)}`)
        .send(fs.createReadStream(filePath));
    },
  );
}
