import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { loadNomenclator, useNomenclator } from '../archive/nomenclator.ts';
import { firstRow } from '../database/connection.ts';
import { contacts, documents, tickets } from '../database/schema.ts';
import { NotFoundError } from '../errors.ts';
import { staffChatsOf } from '../gateway/channel-contract.ts';
import type { VerifiedDocument } from '../receipts/verify-page.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';
import { isWebchatDocumentToken, webchatDocumentRoute } from './document-links.ts';
import { createDocumentService, documentServiceOf } from './document-registry.ts';
import type { DocumentService } from './document-service.ts';
import { documentLabel } from './document-storage.ts';

// The server's side of issued documents: the service that makes and sends them (with a sweep that
// finishes documents registered by the CLI), the web chat's download link, and what /verify/<code>
// shows for a document (src/receipts/receipt-routes.ts serves that page for receipts and documents).

const errorResponse = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

/** How often documents registered elsewhere (the CLI) are looked for and finished. */
const sweepIntervalMs = 5_000;

export function documentRoutes(app: FastifyInstance): DocumentService {
  const { config, database, answering, outbox } = app.functionar;
  const db = database.db;
  try {
    useNomenclator(loadNomenclator(config.knowledgeDirectory));
  } catch (error) {
    // Tickets then get their archive entry when the archive is exported; the problem is said at start.
    app.log.error({ err: error }, 'archive nomenclator not loaded: tickets are filed when the archive is exported');
  }
  const service = createDocumentService({
    config,
    database: db,
    logger: app.log,
    onQueued: () => void outbox.kick(),
    finishInBackground: true,
    townHall: () => answering.knowledge?.townHall(),
    // Read when a clerk must be told, so channels registered later are included.
    staffChats: () => staffChatsOf(app.channels.values()),
  });
  app.addHook('onReady', async () => service.startSweeping(sweepIntervalMs));
  app.addHook('onClose', async () => service.stop());

  app.get<{ Params: { document: string; token: string } }>(
    webchatDocumentRoute,
    {
      schema: {
        params: {
          type: 'object',
          required: ['document', 'token'],
          properties: { document: { type: 'string', pattern: '^[0-9]{1,9}-[0-9]{4}$' }, token: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
        },
        response: { '4xx': errorResponse },
      },
    },
    async (request, reply) => {
      const [number, year] = request.params.document.split('-').map(Number) as [number, number];
      const document = await firstRow(db.select().from(documents).where(and(eq(documents.year, year), eq(documents.number, number))));
      const ticket = document && (await firstRow(db.select().from(tickets).where(eq(tickets.id, document.ticketId))));
      const contact = ticket && (await firstRow(db.select().from(contacts).where(eq(contacts.id, ticket.contactId))));
      // Another session's document answers exactly like a missing one.
      if (!document || !contact || contact.channel !== 'webchat' || !isWebchatDocumentToken(request.params.token, contact.externalId, document)) {
        throw new NotFoundError('FV_ERR_DOCUMENT_NOT_FOUND', 'No document for this chat session');
      }
      const file = await service.fileOf(document);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'private, no-store')
        .send(file.bytes);
    },
  );
  return service;
}

/** The facts /verify/<code> shows for an issued document, or undefined when no document has this code. */
export async function describeDocument(app: FastifyInstance, code: string): Promise<VerifiedDocument | undefined> {
  const { config, database, answering } = app.functionar;
  const found = await documentServiceOf(database.db)?.findByCode(code);
  if (!found) return undefined;
  const { document, ticket } = found;
  return {
    code: document.code,
    label: documentLabel(document),
    title: document.title,
    issuedAt: document.issuedAt,
    issuer: answering.knowledge?.townHall().name.ro ?? config.townHallName,
    ticketLabel: ticketLabel(ticket),
    signed: document.signed,
    signer: document.signer,
    sha256: document.sha256,
    revokedAt: document.revokedAt,
    revokedReason: document.revokedReason,
  };
}
