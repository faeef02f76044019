import fs from 'node:fs';
import { and, asc, eq } from 'drizzle-orm';
import { currentConversation, findContactById, insertOutboundMessage } from '../conversation/conversation-store.ts';
import { firstRow, inTransaction, returnedRow, type Database, type Executor } from '../database/connection.ts';
import { nextNumber } from '../database/number-sequences.ts';
import { documents, tickets, type ClerkRow, type DocumentRow, type TicketRow } from '../database/schema.ts';
import { addressesOfClerk } from '../tickets/deadline-digest.ts';
import { findClerkById } from '../tickets/clerk-directory.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { TownHall } from '../knowledge/knowledge-base.ts';
import { isLanguage, type Language } from '../language.ts';
import type { FilePart } from '../messages.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { archiveEntryFor, type Nomenclator } from '../archive/nomenclator.ts';
import { headerLines } from '../receipts/receipt-facts.ts';
import { verificationUrl } from '../receipts/receipt-links.ts';
import { sha256Hex, writeFileAtomically } from '../receipts/receipt-storage.ts';
import type { SigningCertificate } from '../receipts/signing-certificate.ts';
import { newVerificationCode, normalizeVerificationCode } from '../receipts/verification-code.ts';
import { formatDate, localDate } from '../tickets/deadlines.ts';
import { eventsOfTicket, recordEvent, ticketLabel, type Actor } from '../tickets/ticket-store.ts';
import type { DocumentFacts } from './document-pdf.ts';
import { webchatDocumentUrl } from './document-links.ts';
import { documentFileName, documentLabel, documentStoragePath, storedDocumentPath } from './document-storage.ts';
import { DocumentTemplateError, fillPlaceholders, issuedElectronically, requireTemplate, type DocumentTemplate } from './document-templates.ts';
import { documentDownloadLine, documentFileFallback, documentNotMadeNotice, issuedNotice } from './document-texts.ts';

// Issuing a document happens in two steps. The clerk's command registers it: the next number of the
// outgoing register (registrul de ieșire) is taken and recorded in the same transaction as the ticket's
// change, so the register has no gaps and no twins. Then the PDF is made, signed and stored, its SHA-256
// recorded, and the citizen's message with the file queued. Until then the record's sha256 is empty: a
// document registered by another process (the CLI) or interrupted by a restart is finished by the sweep.

export class DocumentRevokedError extends AppError {
  constructor(label: string) {
    super('FV_ERR_DOCUMENT_REVOKED', `Document ${label} is already revoked`, 409);
  }
}

export class DocumentErasedError extends AppError {
  constructor() {
    super('FV_ERR_DOCUMENT_ERASED', "The document's file was deleted with the person's data; its code and hash still verify copies already issued.", 410);
  }
}

/**
 * The document cannot be made and retrying will not help: its template was deleted, broken or made paper-only
 * after it was registered. Recorded once on its ticket (`document_not_made`) and told to the clerk.
 */
export class DocumentNotMadeError extends AppError {
  constructor(label: string, reason: string) {
    super('FV_ERR_DOCUMENT_NOT_MADE', `Document ${label} could not be made: ${reason}`, 422);
  }
}

/** Where a clerk's notice goes when the clerk who issued a document cannot be reached privately. */
export interface StaffChat {
  channel: string;
  recipient: string;
}

export interface DocumentServiceOptions {
  database: Database;
  dataDirectory: string;
  knowledgeDirectory: string;
  publicUrl: string | undefined;
  townHallName: string;
  townHall: () => TownHall | undefined;
  nomenclator: () => Nomenclator | undefined;
  /** Undefined: documents are issued unsigned and say so. */
  signing: SigningCertificate | undefined;
  /** Where a document that could not be made is reported (the server's logger). */
  logger: { error(details: object, message: string): void };
  /** Called after a citizen's message was queued, so the outbox sends it at once. */
  onQueued: () => void;
  /**
   * Whether this process makes the PDF right after registering (the server). The CLI only registers:
   * it exits before a PDF would be made, and the server's sweep finishes and sends it.
   */
  finishInBackground: boolean;
  /** The staff chats (Telegram group, Teams channel), told when the clerk who issued a document cannot be. */
  staffChats?: () => Promise<StaffChat[]>;
}

export interface RegisterRequest {
  ticket: TicketRow;
  template: DocumentTemplate;
  /** What the clerk wrote: "cheie: valoare" lines fill placeholders ({{adresa}}, {{scop}}…), the rest is {{text}}. */
  text: string;
  clerk: Pick<ClerkRow, 'id' | 'name'>;
  actor: Actor;
}

/** The detail of the ticket event that registered a document: what its PDF is made from. */
interface IssueDetail {
  documentId: number;
  number: string;
  code: string;
  template: string;
  text: string;
  clerk: string;
}

const keyedLine = /^\s*(nume|adresa|scop|telefon|email|cnp)\s*[:=]\s*(.+)$/i;

/** Splits the clerk's text into named values and the free text. */
export function clerkValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const rest: string[] = [];
  for (const line of text.split(/\r?\n|;\s*(?=(?:nume|adresa|scop|telefon|email)\s*[:=])/i)) {
    const match = keyedLine.exec(line);
    if (match?.[1] && match[2]) values[match[1].toLowerCase()] = match[2].trim();
    else rest.push(line);
  }
  values.text = rest.join('\n').trim();
  return values;
}

export class DocumentService {
  private readonly inProgress = new Map<number, Promise<DocumentRow>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: DocumentServiceOptions) {}

  /** After the registering transaction committed: makes and sends the document now, when this process does. */
  afterRegistered(document: DocumentRow): void {
    if (!this.options.finishInBackground) return;
    this.complete(document.id).catch((error: unknown) => this.options.logger.error({ err: error, document: documentLabel(document) }, 'issued document could not be made'));
  }

  get signer(): string | undefined {
    return this.options.signing?.subject;
  }

  template(slugOrProcedure: string): DocumentTemplate {
    return requireTemplate(this.options.knowledgeDirectory, slugOrProcedure);
  }

  /** Takes the next outgoing number and records the document; call inside the transaction that changes the ticket. */
  async register(transaction: Executor, request: RegisterRequest, now: Date): Promise<DocumentRow> {
    const { ticket, template, clerk } = request;
    const year = Number(localDate(now).slice(0, 4));
    // The register's sequence row, locked until this transaction ends: instances issuing at once never share a number.
    const number = await nextNumber(transaction, 'documents', year);
    const code = newVerificationCode();
    const nomenclator = this.options.nomenclator();
    const archiveEntry = template.archive_entry ?? (nomenclator ? archiveEntryFor(nomenclator, ticket).id : ticket.archiveEntry);
    const signing = this.options.signing;
    const row = await returnedRow(
      transaction
        .insert(documents)
        .values({
          year,
          number,
          ticketId: ticket.id,
          procedureSlug: ticket.procedureSlug,
          template: template.slug,
          title: template.subtitle ? `${template.title} ${fillPlaceholders(template.subtitle, this.values(ticket, now, {}))}` : template.title,
          code,
          fileName: documentFileName({ number, year, template: template.slug }),
          storagePath: null,
          sha256: '',
          pages: 1,
          signed: signing !== undefined,
          signer: signing?.subject ?? null,
          issuedByClerkId: clerk.id,
          issuedAt: now.toISOString(),
          archiveEntry: archiveEntry ?? null,
        })
        .returning(),
    );
    const detail: IssueDetail = { documentId: row.id, number: documentLabel(row), code, template: template.slug, text: request.text, clerk: clerk.name };
    await recordEvent(transaction, ticket.id, 'document_issued', request.actor, now, { ...detail });
    return row;
  }

  /** Makes, signs and stores the PDF of a registered document, then sends it to the citizen; once. */
  complete(documentId: number): Promise<DocumentRow> {
    const pending = this.inProgress.get(documentId);
    if (pending) return pending;
    const work = this.finish(documentId).finally(() => this.inProgress.delete(documentId));
    this.inProgress.set(documentId, work);
    return work;
  }

  /** Registered documents whose file is not made yet, and that did not fail for good (see DocumentNotMadeError). */
  async pendingDocuments(): Promise<DocumentRow[]> {
    const pending = await this.options.database.select().from(documents).where(eq(documents.sha256, '')).orderBy(asc(documents.id));
    const unfailed: DocumentRow[] = [];
    for (const document of pending) if ((await this.failure(this.options.database, document)) === undefined) unfailed.push(document);
    return unfailed;
  }

  /** Why a document could not be made, when that was recorded on its ticket. */
  private async failure(executor: Executor, document: DocumentRow): Promise<string | undefined> {
    const event = (await eventsOfTicket(executor, document.ticketId)).find((candidate) => candidate.kind === 'document_not_made' && candidate.detail?.documentId === document.id);
    return event ? String(event.detail?.reason ?? '') : undefined;
  }

  /** The template of a registered document, or a DocumentNotMadeError recorded once and told to the clerk. */
  private async templateToFinish(document: DocumentRow, ticket: TicketRow): Promise<DocumentTemplate> {
    let reason: string;
    try {
      const template = this.template(document.template);
      if (issuedElectronically(template)) return template;
      reason = `the template "${document.template}" is now marked paper_only / requires_presence`;
    } catch (error) {
      // Only a template problem is final; anything else (a full disk, a signing failure) is tried again.
      if (!(error instanceof DocumentTemplateError) && !(error instanceof NotFoundError && error.code === 'FV_ERR_DOCUMENT_TEMPLATE_NOT_FOUND')) throw error;
      reason = (error as Error).message;
    }
    const label = documentLabel(document);
    const now = new Date();
    // Read before the transaction: an adapter may ask its own store which staff chats it can reach.
    const staffChats = (await this.options.staffChats?.()) ?? [];
    await inTransaction(this.options.database, async (transaction) => {
      const current = await firstRow(transaction.select().from(documents).where(eq(documents.id, document.id)));
      if (!current || current.sha256 !== '' || (await this.failure(transaction, current)) !== undefined) return;
      await recordEvent(transaction, ticket.id, 'document_not_made', { type: 'system' }, now, { documentId: document.id, number: label, template: document.template, reason });
      const notice = { author: 'bot' as const, text: documentNotMadeNotice({ label, template: document.template, ticketLabel: ticketLabel(ticket), reason }), parts: [] };
      for (const { channel, recipient } of await this.clerkRecipients(transaction, document, staffChats)) await enqueue(transaction, { channel, recipient, ticketId: ticket.id, message: notice }, now);
    });
    this.options.onQueued();
    throw new DocumentNotMadeError(label, reason);
  }

  /** The clerk who issued the document, privately (Telegram, Teams); else the staff chats. */
  private async clerkRecipients(executor: Executor, document: DocumentRow, staffChats: StaffChat[]): Promise<StaffChat[]> {
    const clerk = document.issuedByClerkId !== null ? await findClerkById(executor, document.issuedByClerkId) : undefined;
    const personal = clerk ? await addressesOfClerk(executor, clerk) : [];
    return personal.length > 0 ? personal : staffChats;
  }

  /** Finishes what another process registered (the CLI's `/emite`) or a restart interrupted, every `intervalMs`. */
  startSweeping(intervalMs: number): void {
    const sweep = () => {
      this.pendingDocuments()
        .then((pending) => {
          for (const document of pending) {
            this.complete(document.id).catch((error: unknown) => this.options.logger.error({ err: error, document: documentLabel(document) }, 'issued document could not be made'));
          }
        })
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'pending documents could not be read'));
    };
    sweep();
    this.sweepTimer = setInterval(sweep, intervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /** The PDF before issuing: no number, no signature, marked as a preview. */
  async preview(ticket: TicketRow, template: DocumentTemplate, text: string, now = new Date()): Promise<Buffer> {
    const { renderDocument } = await import('./document-pdf.ts');
    const facts = this.facts(ticket, template, text, { label: undefined, code: 'PREVI-ZUALI-ZARE0-00000', issuedAt: now, signer: undefined }, now);
    const document = await renderDocument({ ...facts, preview: true });
    return Buffer.from(await document.save({ useObjectStreams: false }));
  }

  async findByCode(input: string): Promise<{ document: DocumentRow; ticket: TicketRow } | undefined> {
    const code = normalizeVerificationCode(input);
    if (!code) return undefined;
    const document = await firstRow(this.options.database.select().from(documents).where(eq(documents.code, code)));
    const ticket = document && (await firstRow(this.options.database.select().from(tickets).where(eq(tickets.id, document.ticketId))));
    return document && ticket ? { document, ticket } : undefined;
  }

  /** The stored file of an issued document, made first if it is still pending. */
  async fileOf(document: DocumentRow): Promise<{ fileName: string; bytes: Buffer }> {
    const finished = document.sha256 === '' ? await this.complete(document.id) : document;
    if (!finished.storagePath) throw new DocumentErasedError();
    const bytes = fs.readFileSync(storedDocumentPath(this.options.dataDirectory, finished.storagePath));
    if (sha256Hex(bytes) !== finished.sha256) throw new AppError('FV_ERR_DOCUMENT_STORAGE', `the stored file of document ${documentLabel(finished)} differs from the one issued`, 500);
    return { fileName: finished.fileName, bytes };
  }

  private values(ticket: TicketRow, now: Date, clerk: Record<string, string>): Record<string, string | undefined> {
    const townHall = this.options.townHall();
    return {
      nume: clerk.nume ?? ticket.citizenName ?? undefined,
      adresa: clerk.adresa,
      telefon: clerk.telefon ?? ticket.citizenPhone ?? undefined,
      email: clerk.email ?? ticket.citizenEmail ?? undefined,
      scop: clerk.scop,
      numar_cerere: ticketLabel(ticket),
      data_cererii: formatDate(localDate(new Date(ticket.createdAt))),
      subiect: ticket.subject,
      text: clerk.text,
      data_document: formatDate(localDate(now)),
      primaria: townHall?.name.ro ?? this.options.townHallName,
      localitatea: townHall?.name.ro.replace(/^Primăria\s+(comunei\s+|orașului\s+)?/i, '') ?? '',
    };
  }

  private facts(
    ticket: TicketRow,
    template: DocumentTemplate,
    text: string,
    issue: { label: string | undefined; code: string; issuedAt: Date; signer: string | undefined },
    now: Date,
  ): Omit<DocumentFacts, 'preview'> {
    const townHall = this.options.townHall();
    const values = { ...this.values(ticket, issue.issuedAt, clerkValues(text)), numar_document: issue.label };
    return {
      townHall: { name: townHall?.name.ro ?? this.options.townHallName, nameHungarian: template.title_hu ? townHall?.name.hu : undefined, lines: townHall ? headerLines(townHall) : [] },
      label: issue.label,
      issuedAt: issue.issuedAt ?? now,
      title: template.title,
      subtitle: template.subtitle ? fillPlaceholders(template.subtitle, values) : undefined,
      titleHungarian: template.title_hu,
      body: fillPlaceholders(template.body, values),
      closing: template.closing ? fillPlaceholders(template.closing, values) : '',
      signatures: template.signatures,
      ticketLabel: ticketLabel(ticket),
      code: issue.code,
      verificationUrl: verificationUrl(this.options.publicUrl, issue.code),
      signer: issue.signer,
    };
  }

  private async finish(documentId: number): Promise<DocumentRow> {
    const { database, signing, dataDirectory } = this.options;
    const document = await firstRow(database.select().from(documents).where(eq(documents.id, documentId)));
    if (!document) throw new NotFoundError('FV_ERR_DOCUMENT_NOT_FOUND', `No document with id ${documentId}`);
    if (document.sha256 !== '') return document;
    const ticket = await firstRow(database.select().from(tickets).where(eq(tickets.id, document.ticketId)));
    if (!ticket) throw new NotFoundError('FV_ERR_TICKET_NOT_FOUND', `No ticket with id ${document.ticketId}`);
    const recordedFailure = await this.failure(database, document);
    if (recordedFailure !== undefined) throw new DocumentNotMadeError(documentLabel(document), recordedFailure);
    const detail = (await eventsOfTicket(database, ticket.id))
      .filter((event) => event.kind === 'document_issued')
      .map((event) => event.detail as unknown as IssueDetail)
      .find((candidate) => candidate.documentId === document.id);
    const template = await this.templateToFinish(document, ticket);
    const issuedAt = new Date(document.issuedAt);
    const label = documentLabel(document);
    // The PDF and signing libraries load with the first document, not at start-up.
    const [{ renderDocument }, { signedOrPlain }] = await Promise.all([import('./document-pdf.ts'), import('../receipts/pdf-signing.ts')]);
    const facts = this.facts(ticket, template, detail?.text ?? '', { label, code: document.code, issuedAt, signer: document.signed ? signing?.commonName : undefined }, issuedAt);
    const pdf = await renderDocument({ ...facts, preview: false });
    const pages = pdf.getPageCount();
    const bytes = await signedOrPlain(pdf, document.signed ? signing : undefined, {
      reason: `${template.title} nr. ${label}`,
      location: this.options.townHall()?.name.ro ?? this.options.townHallName,
      contactInfo: this.options.townHall()?.email ?? '',
      signingTime: issuedAt,
    });
    const sha256 = sha256Hex(bytes);
    const storagePath = documentStoragePath(document);
    const file = storedDocumentPath(dataDirectory, storagePath);
    writeFileAtomically(file, bytes);

    const now = new Date();
    const finished = await inTransaction(database, async (transaction) => {
      const current = await firstRow(transaction.select().from(documents).where(eq(documents.id, documentId)));
      // Another process finished it meanwhile: theirs stands (and they sent it).
      if (!current || current.sha256 !== '') return undefined;
      const updated = await returnedRow(
        transaction
          .update(documents)
          .set({ sha256, pages, storagePath })
          .where(and(eq(documents.id, documentId), eq(documents.sha256, '')))
          .returning(),
      );
      await this.queueDelivery(transaction, ticket, updated, template, bytes.length, now);
      return updated;
    });
    if (!finished) {
      fs.rmSync(file, { force: true });
      return (await firstRow(database.select().from(documents).where(eq(documents.id, documentId)))) as DocumentRow;
    }
    this.options.onQueued();
    return finished;
  }

  /** The citizen's notice with the file, on the channel they wrote from, in their language. */
  private async queueDelivery(transaction: Executor, ticket: TicketRow, document: DocumentRow, template: DocumentTemplate, size: number, now: Date): Promise<void> {
    const contact = await findContactById(transaction, ticket.contactId);
    if (!contact) {
      await recordEvent(transaction, ticket.id, 'document_not_delivered', { type: 'system' }, now, { number: documentLabel(document), reason: 'the contact no longer exists' });
      return;
    }
    const conversation = await currentConversation(transaction, contact, contact.language ?? 'ro', now);
    const language: Language = isLanguage(conversation.language) ? conversation.language : 'ro';
    const label = documentLabel(document);
    const notice = issuedNotice(language, { title: template.title, label, ticketLabel: ticketLabel(ticket), code: document.code, verificationUrl: verificationUrl(this.options.publicUrl, document.code) });
    // The web chat has no file messages: the bubble shows a download link only this session can open.
    const text = contact.channel === 'webchat' ? `${notice}\n${documentDownloadLine(language, webchatDocumentUrl(this.options.publicUrl, contact.externalId, document))}` : notice;
    const file: FilePart = {
      type: 'file',
      fileName: document.fileName,
      mediaType: 'application/pdf',
      size,
      sha256: document.sha256,
      storagePath: document.storagePath ?? '',
      fallbackText: documentFileFallback(language, document.fileName),
    };
    const stored = await insertOutboundMessage(
      transaction,
      { conversationId: conversation.id, contactId: contact.id, channel: contact.channel, author: 'clerk', text, parts: [file], ticketId: ticket.id, clerkId: document.issuedByClerkId ?? undefined },
      now,
    );
    await enqueue(
      transaction,
      { channel: contact.channel, recipient: contact.externalId, recipientChannelData: contact.channelData, messageId: stored.id, ticketId: ticket.id, message: { author: 'clerk', text, parts: [file] } },
      now,
    );
    await recordEvent(transaction, ticket.id, 'document_sent', { type: 'system' }, now, { number: label, sha256: document.sha256, channel: contact.channel });
  }

  /** Marks an issued document revoked (it stays in the register); audited on its ticket. */
  revoke(reference: { number: number; year: number }, reason: string, actor: Actor & { clerkId?: number }, now = new Date()): Promise<DocumentRow> {
    return inTransaction(this.options.database, async (transaction) => {
      const document = await firstRow(transaction.select().from(documents).where(and(eq(documents.year, reference.year), eq(documents.number, reference.number))));
      if (!document) throw new NotFoundError('FV_ERR_DOCUMENT_NOT_FOUND', `No document ${reference.number}/${reference.year} in the outgoing register`);
      if (document.revokedAt) throw new DocumentRevokedError(documentLabel(document));
      const updated = await returnedRow(
        transaction
          .update(documents)
          .set({ revokedAt: now.toISOString(), revokedReason: reason, revokedByClerkId: actor.clerkId ?? null })
          .where(eq(documents.id, document.id))
          .returning(),
      );
      await recordEvent(transaction, document.ticketId, 'document_revoked', actor, now, { number: documentLabel(document), code: document.code, reason });
      return updated;
    });
  }
}
