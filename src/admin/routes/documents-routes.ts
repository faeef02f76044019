import { and, asc, desc, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { firstRow } from '../../database/connection.ts';
import { documents, tickets } from '../../database/schema.ts';
import { documentServiceOf } from '../../documents/document-registry.ts';
import { documentLabel } from '../../documents/document-storage.ts';
import { findTemplate, issuedElectronically, listTemplates } from '../../documents/document-templates.ts';
import { AppError } from '../../errors.ts';
import { formatCsv } from '../../exports/csv.ts';
import { foldDiacritics } from '../../language.ts';
import { succeeded } from '../../tickets/clerk-command.ts';
import { renderClerkOutcome } from '../../tickets/clerk-command-texts.ts';
import { localDate } from '../../tickets/deadlines.ts';
import { findTicket, ticketLabel } from '../../tickets/ticket-store.ts';
import { setFlash, takeFlash } from '../admin-sessions.ts';
import { issueFormPage, registersPage, type RegisterName } from '../pages/documents-pages.ts';
import { ticketPath } from '../pages/inbox-page.ts';
import type { AdminRouteContext } from './admin-context.ts';

// /admin/documents: the incoming and outgoing registers, searched and exported as CSV; the issued PDFs;
// and /admin/tickets/Y/N/issue: the document form with a PDF preview before signing. Issuing runs the
// same `/emite` command as Telegram, Teams and the shell, for the signed-in clerk.

const ticketParams = {
  type: 'object',
  required: ['year', 'number'],
  properties: { year: { type: 'string', pattern: '^[0-9]{4}$' }, number: { type: 'string', pattern: '^[0-9]{1,6}$' } },
} as const;

const issueBody = {
  type: 'object',
  required: ['_csrf'],
  properties: { _csrf: { type: 'string', maxLength: 100 }, template: { type: 'string', maxLength: 100 }, text: { type: 'string', maxLength: 4000 } },
} as const;

const registerQuery = {
  type: 'object',
  properties: { register: { type: 'string', enum: ['iesire', 'intrare'] }, year: { type: 'string', pattern: '^[0-9]{4}$' }, q: { type: 'string', maxLength: 200 } },
} as const;

interface TicketParams {
  year: string;
  number: string;
}

interface IssueBody {
  _csrf: string;
  template?: string;
  text?: string;
}

interface RegisterQuery {
  register?: RegisterName;
  year?: string;
  q?: string;
}

function matches(query: string, ...fields: (string | null | undefined)[]): boolean {
  if (!query) return true;
  const wanted = foldDiacritics(query.toLowerCase());
  return fields.some((field) => field && foldDiacritics(field.toLowerCase()).includes(wanted));
}

export function registerDocumentsRoutes(scope: FastifyInstance, context: AdminRouteContext): void {
  const { database: db, townHallName, config } = context;
  const loadTicket = async (request: FastifyRequest<{ Params: TicketParams }>) => {
    const ticket = await findTicket(db, { year: Number(request.params.year), number: Number(request.params.number) });
    if (!ticket) throw new AppError('FV_ERR_TICKET_NOT_FOUND', `Tichetul ${request.params.number}/${request.params.year} nu există.`, 404);
    return ticket;
  };
  const service = () => {
    const found = documentServiceOf(db);
    if (!found) throw new AppError('FV_ERR_DOCUMENTS_UNAVAILABLE', 'Emiterea documentelor nu este pornită.', 503);
    return found;
  };
  const registers = async (query: RegisterQuery) => {
    const year = query.year ? Number(query.year) : Number(localDate(new Date()).slice(0, 4));
    const text = (query.q ?? '').trim();
    const yearTickets = await db.select().from(tickets).where(eq(tickets.year, year)).orderBy(desc(tickets.number));
    const labels = new Map((await db.select().from(tickets)).map((ticket) => [ticket.id, ticketLabel(ticket)]));
    const yearDocuments = (await db.select().from(documents).where(eq(documents.year, year)).orderBy(desc(documents.number)))
      .map((document) => ({ ...document, ticketLabel: labels.get(document.ticketId) ?? '' }))
      .filter((document) => matches(text, documentLabel(document), document.title, document.ticketLabel, document.code, document.archiveEntry));
    return {
      year,
      text,
      tickets: yearTickets.filter((ticket) => matches(text, ticketLabel(ticket), ticket.subject, ticket.citizenName, ticket.department, ticket.archiveEntry)),
      documents: yearDocuments,
    };
  };

  scope.get<{ Querystring: RegisterQuery }>('/documents', { schema: { querystring: registerQuery } }, async (request, reply) => {
    const { session, clerk } = context.current(request);
    const found = await registers(request.query);
    return context.sendPage(
      reply,
      200,
      registersPage({ townHallName, clerkName: clerk.name, csrfToken: session.csrfToken, flash: await takeFlash(db, session), register: request.query.register ?? 'iesire', year: found.year, query: found.text, documents: found.documents, tickets: found.tickets }),
    );
  });

  scope.get<{ Querystring: RegisterQuery }>('/documents/export.csv', { schema: { querystring: registerQuery } }, async (request, reply) => {
    context.current(request);
    const found = await registers(request.query);
    const register = request.query.register ?? 'iesire';
    const rows =
      register === 'iesire'
        ? [
            ['numar', 'data_emiterii', 'document', 'la_cererea', 'semnat', 'sha256', 'indicativ_dosar', 'revocat_la', 'motiv_revocare'],
            ...found.documents.map((document) => [documentLabel(document), document.issuedAt, document.title, document.ticketLabel, document.signed ? 'da' : 'nu', document.sha256, document.archiveEntry, document.revokedAt, document.revokedReason]),
          ]
        : [
            ['numar', 'data_inregistrarii', 'tip', 'subiect', 'compartiment', 'stare', 'termen_legal', 'indicativ_dosar'],
            ...found.tickets.map((ticket) => [ticketLabel(ticket), ticket.createdAt, ticket.type, ticket.subject, ticket.department, ticket.status, ticket.dueDate, ticket.archiveEntry]),
          ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="registrul-de-${register}-${found.year}.csv"`)
      .send(`\uFEFF${formatCsv(rows)}`);
  });

  scope.get<{ Params: TicketParams }>('/documents/:year/:number/document.pdf', { schema: { params: ticketParams } }, async (request, reply) => {
    context.current(request);
    const document = await firstRow(
      db
        .select()
        .from(documents)
        .where(and(eq(documents.year, Number(request.params.year)), eq(documents.number, Number(request.params.number)))),
    );
    if (!document) throw new AppError('FV_ERR_DOCUMENT_NOT_FOUND', `Documentul ${request.params.number}/${request.params.year} nu există.`, 404);
    const file = await service().fileOf(document);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${file.fileName}"`).send(file.bytes);
  });

  scope.get<{ Params: TicketParams }>('/tickets/:year/:number/issue', { schema: { params: ticketParams } }, async (request, reply) => {
    const { session, clerk } = context.current(request);
    const ticket = await loadTicket(request);
    const templates = listTemplates(config.knowledgeDirectory);
    const selected = ticket.procedureSlug ? templates.find((template) => template.procedures.includes(ticket.procedureSlug ?? ''))?.slug : undefined;
    const issued = await db.select().from(documents).where(eq(documents.ticketId, ticket.id)).orderBy(asc(documents.id));
    return context.sendPage(reply, 200, issueFormPage({ townHallName, clerkName: clerk.name, csrfToken: session.csrfToken, flash: await takeFlash(db, session), ticket, templates, selected, text: '', issued }));
  });

  scope.post<{ Params: TicketParams; Body: IssueBody }>('/tickets/:year/:number/issue/preview', { schema: { params: ticketParams, body: issueBody } }, async (request, reply) => {
    context.current(request);
    const ticket = await loadTicket(request);
    const template = request.body.template ? findTemplate(config.knowledgeDirectory, request.body.template) : undefined;
    if (!template || !issuedElectronically(template)) throw new AppError('FV_ERR_DOCUMENT_TEMPLATE_NOT_FOUND', 'Alegeți un document care se emite electronic.', 400);
    const bytes = await service().preview(ticket, template, (request.body.text ?? '').replace(/\r\n?/g, '\n'));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="previzualizare-${template.slug}.pdf"`).send(bytes);
  });

  scope.post<{ Params: TicketParams; Body: IssueBody }>('/tickets/:year/:number/issue', { schema: { params: ticketParams, body: issueBody } }, async (request, reply) => {
    const { session, clerk } = context.current(request);
    const ticket = await loadTicket(request);
    if (!request.body.template) {
      await setFlash(db, session.id, { kind: 'error', text: 'Alegeți documentul de emis.' });
      return reply.redirect(`${ticketPath(ticket)}/issue`, 303);
    }
    const outcome = await context.clerkCommands.runCommand(
      clerk.id,
      { name: 'issue', ticket: { number: ticket.number, year: ticket.year }, template: request.body.template, text: (request.body.text ?? '').replace(/\r\n?/g, '\n').trim() },
      { channel: 'web' },
    );
    await setFlash(db, session.id, { kind: succeeded(outcome) ? 'success' : 'error', text: renderClerkOutcome(outcome, 'ro') });
    return reply.redirect(succeeded(outcome) ? ticketPath(ticket) : `${ticketPath(ticket)}/issue`, 303);
  });
}
