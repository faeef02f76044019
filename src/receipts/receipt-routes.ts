import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ticketTypeNames } from '../admin/labels.ts';
import { findContact } from '../conversation/conversation-store.ts';
import { firstRow } from '../database/connection.ts';
import { contacts } from '../database/schema.ts';
import { errorBody, NotFoundError } from '../errors.ts';
import { departmentName, statusLabel } from '../tickets/ticket-labels.ts';
import { findTicket, ticketLabel } from '../tickets/ticket-store.ts';
import { isWebchatReceiptToken, webchatReceiptRoute } from './receipt-links.ts';
import { createReceiptService } from './receipt-registry.ts';
import type { ReceiptService } from './receipt-service.ts';
import { normalizeVerificationCode } from './verification-code.ts';
import { renderFormPage, renderUnknownPage, renderVerifiedDocumentPage, renderVerifiedPage, type VerifiedReceipt } from './verify-page.ts';
import { describeDocument } from '../documents/document-routes.ts';

// GET /verify/:code — anyone holding a receipt checks its code (HTML for people, JSON for programs).
// GET /api/webchat/sessions/:sessionId/tickets/N-YYYY/receipt.pdf — the web chat's download: the session
// id is the citizen's only credential, so a ticket of another session answers exactly like a missing one.
// GET /api/webchat/receipts/N-YYYY/:token/receipt.pdf — the link the confirmation shows: the token stands
// for the session (see receipt-links.ts), so no text a person reads carries the session id.

const errorResponse = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

const verificationResponse = {
  type: 'object',
  properties: {
    valid: { type: 'boolean' },
    code: { type: 'string' },
    ticket: {
      type: 'object',
      properties: {
        number: { type: 'string' },
        registeredAt: { type: 'string' },
        type: { type: 'string' },
        department: { type: 'string' },
        status: { type: 'string' },
        dueDate: { type: 'string' },
      },
    },
    receipt: {
      type: 'object',
      properties: { issuedAt: { type: 'string' }, sha256: { type: 'string' }, signed: { type: 'boolean' }, signer: { type: ['string', 'null'] } },
    },
    document: {
      type: 'object',
      properties: {
        number: { type: 'string' },
        issuedAt: { type: 'string' },
        type: { type: 'string' },
        issuer: { type: 'string' },
        request: { type: 'string' },
        sha256: { type: 'string' },
        signed: { type: 'boolean' },
        signer: { type: ['string', 'null'] },
        revoked: { type: 'boolean' },
        revokedAt: { type: ['string', 'null'] },
        revokedReason: { type: ['string', 'null'] },
      },
    },
    error: errorResponse.properties.error,
  },
};

function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

export function receiptRoutes(app: FastifyInstance): ReceiptService {
  const { config, database, answering } = app.functionar;
  const db = database.db;
  const service = createReceiptService({ config, database: db }, () => answering.knowledge?.townHall());
  app.log.info({ signed: service.signer !== undefined, signer: service.signer }, service.signer ? `registration receipts are signed by ${service.signer}` : 'registration receipts are issued unsigned (RECEIPT_CERTIFICATE_PATH is not set)');
  const townHallName = () => answering.knowledge?.townHall().name.ro ?? config.townHallName;

  async function describe(code: string): Promise<VerifiedReceipt | undefined> {
    const found = await service.findByCode(code);
    if (!found) return undefined;
    const department = answering.knowledge?.townHall().departments.find((candidate) => candidate.id === found.ticket.department);
    return {
      code: found.receipt.code,
      ...found,
      typeName: ticketTypeNames[found.ticket.type] ?? found.ticket.type,
      departmentName: department?.name.ro ?? departmentName(found.ticket.department, 'ro'),
      statusName: statusLabel(found.ticket.status, 'ro', 'citizen'),
    };
  }

  app.get<{ Querystring: { code?: string } }>(
    '/verify',
    { schema: { querystring: { type: 'object', properties: { code: { type: 'string', maxLength: 64 } } } } },
    async (request, reply) => {
      const typed = request.query.code?.trim();
      if (!typed) return sendHtml(reply, 200, renderFormPage(townHallName()));
      const code = normalizeVerificationCode(typed) ?? typed.replace(/[^0-9A-Za-z-]/g, '').slice(0, 40);
      return reply.redirect(`/verify/${encodeURIComponent(code)}`, 303);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/verify/:code',
    {
      schema: {
        params: { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 64 } } },
        response: { 200: verificationResponse, 404: verificationResponse },
      },
    },
    async (request, reply) => {
      const found = await describe(request.params.code);
      // Not a receipt: perhaps a document the town hall issued (adeverință, certificat, răspuns).
      const document = found ? undefined : await describeDocument(app, request.params.code);
      if (document) {
        if (!wantsJson(request)) return sendHtml(reply, 200, renderVerifiedDocumentPage(document, townHallName()));
        return reply.header('cache-control', 'no-store').send({
          valid: document.revokedAt === null,
          code: document.code,
          document: {
            number: document.label,
            issuedAt: document.issuedAt,
            type: document.title,
            issuer: document.issuer,
            request: document.ticketLabel,
            sha256: document.sha256,
            signed: document.signed,
            signer: document.signer,
            revoked: document.revokedAt !== null,
            revokedAt: document.revokedAt,
            revokedReason: document.revokedReason,
          },
        });
      }
      if (!found) {
        if (!wantsJson(request)) return sendHtml(reply, 404, renderUnknownPage(request.params.code, townHallName()));
        return reply
          .code(404)
          .header('cache-control', 'no-store')
          .send({ valid: false, code: request.params.code, ...errorBody('FV_ERR_RECEIPT_CODE_UNKNOWN', 'No receipt was issued with this verification code') });
      }
      if (!wantsJson(request)) return sendHtml(reply, 200, renderVerifiedPage(found, townHallName()));
      return reply.header('cache-control', 'no-store').send({
        valid: true,
        code: found.code,
        ticket: {
          number: ticketLabel(found.ticket),
          registeredAt: found.ticket.createdAt,
          type: found.ticket.type,
          department: found.ticket.department,
          status: found.ticket.status,
          dueDate: found.ticket.dueDate,
        },
        receipt: { issuedAt: found.receipt.issuedAt, sha256: found.receipt.sha256, signed: found.receipt.signed, signer: found.receipt.signer },
      });
    },
  );

  app.get<{ Params: { sessionId: string; ticket: string } }>(
    '/api/webchat/sessions/:sessionId/tickets/:ticket/receipt.pdf',
    {
      schema: {
        params: {
          type: 'object',
          required: ['sessionId', 'ticket'],
          properties: { sessionId: { type: 'string', maxLength: 128 }, ticket: { type: 'string', pattern: '^[0-9]{1,9}-[0-9]{4}$' } },
        },
        response: { '4xx': errorResponse },
      },
    },
    async (request, reply) => {
      const [number, year] = request.params.ticket.split('-').map(Number) as [number, number];
      const contact = await findContact(db, 'webchat', request.params.sessionId);
      const ticket = contact ? await findTicket(db, { number, year }) : undefined;
      if (!contact || !ticket || ticket.contactId !== contact.id) {
        throw new NotFoundError('FV_ERR_RECEIPT_NOT_FOUND', 'No receipt for this request in this chat session');
      }
      return sendReceipt(reply, ticket);
    },
  );

  app.get<{ Params: { ticket: string; token: string } }>(
    webchatReceiptRoute,
    {
      schema: {
        params: {
          type: 'object',
          required: ['ticket', 'token'],
          properties: { ticket: { type: 'string', pattern: '^[0-9]{1,9}-[0-9]{4}$' }, token: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
        },
        response: { '4xx': errorResponse },
      },
    },
    async (request, reply) => {
      const [number, year] = request.params.ticket.split('-').map(Number) as [number, number];
      const ticket = await findTicket(db, { number, year });
      const contact = ticket ? await findContactById(ticket.contactId) : undefined;
      if (!ticket || !contact || contact.channel !== 'webchat' || !isWebchatReceiptToken(request.params.token, contact.externalId, ticket)) {
        throw new NotFoundError('FV_ERR_RECEIPT_NOT_FOUND', 'No receipt for this request in this chat session');
      }
      return sendReceipt(reply, ticket);
    },
  );

  function findContactById(id: number) {
    return firstRow(db.select().from(contacts).where(eq(contacts.id, id)));
  }

  async function sendReceipt(reply: FastifyReply, ticket: Parameters<ReceiptService['receiptFor']>[0]): Promise<FastifyReply> {
    const receipt = await service.receiptFor(ticket);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${receipt.fileName}"`)
      .header('cache-control', 'private, no-store')
      .send(receipt.bytes);
  }

  return service;
}
