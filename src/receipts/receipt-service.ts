import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { firstRow, inTransaction, type Database } from '../database/connection.ts';
import { receipts, tickets, type ReceiptRow, type TicketRow } from '../database/schema.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { TownHall } from '../knowledge/knowledge-base.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
import { receiptFacts } from './receipt-facts.ts';
import { receiptDirectoryName, receiptFileName, sha256Hex, writeFileAtomically } from './receipt-storage.ts';
import type { SigningCertificate } from './signing-certificate.ts';
import { newVerificationCode, normalizeVerificationCode } from './verification-code.ts';

// A ticket's receipt is made once, on first request, and kept: the same bytes are handed out every time
// after, so the SHA-256 recorded with the code identifies the one document the town hall issued.

export interface ReceiptFile {
  fileName: string;
  bytes: Buffer;
}

export class ReceiptErasedError extends AppError {
  constructor() {
    super('FV_ERR_RECEIPT_ERASED', "The receipt's file was deleted with the person's data; its code and hash still verify copies already issued.", 410);
  }
}

export class ReceiptStorageError extends AppError {
  constructor(message: string) {
    super('FV_ERR_RECEIPT_STORAGE', message, 500);
  }
}

export interface ReceiptServiceOptions {
  database: Database;
  dataDirectory: string;
  publicUrl: string | undefined;
  townHallName: string;
  /** The town hall's header; read when a receipt is made, so an edited town-hall.md applies to the next one. */
  townHall: () => TownHall | undefined;
  /** Undefined: receipts are issued unsigned and say so. */
  signing: SigningCertificate | undefined;
  now?: () => Date;
}

export class ReceiptService {
  /** Receipts being made in this process, so two simultaneous downloads make one. */
  private readonly inProgress = new Map<number, Promise<ReceiptFile>>();

  constructor(private readonly options: ReceiptServiceOptions) {}

  /** The signing certificate's subject; undefined when receipts are issued unsigned. */
  get signer(): string | undefined {
    return this.options.signing?.subject;
  }

  async receiptFor(ticket: Pick<TicketRow, 'id'>): Promise<ReceiptFile> {
    const existing = await this.storedReceipt(ticket.id);
    if (existing) return this.readStored(existing);
    const pending = this.inProgress.get(ticket.id);
    if (pending) return pending;
    const issuing = this.issue(ticket.id).finally(() => this.inProgress.delete(ticket.id));
    this.inProgress.set(ticket.id, issuing);
    return issuing;
  }

  /** The receipt and its ticket for a code as someone typed it; undefined when no receipt has it. */
  async findByCode(input: string): Promise<{ receipt: ReceiptRow; ticket: TicketRow } | undefined> {
    const code = normalizeVerificationCode(input);
    if (!code) return undefined;
    const receipt = await firstRow(this.options.database.select().from(receipts).where(eq(receipts.code, code)));
    const ticket = receipt && (await firstRow(this.options.database.select().from(tickets).where(eq(tickets.id, receipt.ticketId))));
    return receipt && ticket ? { receipt, ticket } : undefined;
  }

  private storedReceipt(ticketId: number): Promise<ReceiptRow | undefined> {
    return firstRow(this.options.database.select().from(receipts).where(eq(receipts.ticketId, ticketId)));
  }

  private filePath(storagePath: string): string {
    const root = path.resolve(this.options.dataDirectory);
    const file = path.resolve(root, storagePath);
    if (!file.startsWith(`${root}${path.sep}`)) throw new ReceiptStorageError(`receipt path ${storagePath} is outside the data directory`);
    return file;
  }

  private readStored(receipt: ReceiptRow): ReceiptFile {
    if (!receipt.storagePath) throw new ReceiptErasedError();
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.filePath(receipt.storagePath));
    } catch (error) {
      throw new ReceiptStorageError(`receipt ${receipt.code} is recorded but its file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    // A stored file that no longer matches its record is not handed out as the town hall's receipt.
    if (sha256Hex(bytes) !== receipt.sha256) throw new ReceiptStorageError(`the stored file of receipt ${receipt.code} differs from the one issued`);
    return { fileName: receipt.fileName, bytes };
  }

  private async issue(ticketId: number): Promise<ReceiptFile> {
    const { database, signing } = this.options;
    const ticket = await firstRow(database.select().from(tickets).where(eq(tickets.id, ticketId)));
    if (!ticket) throw new NotFoundError('FV_ERR_TICKET_NOT_FOUND', `No ticket with id ${ticketId}`);
    const issuedAt = this.options.now?.() ?? new Date();
    const code = newVerificationCode();
    // The PDF and signing libraries (~70 MB resident) load with the first receipt, not at start-up.
    const [{ renderReceipt }, { signedOrPlain }] = await Promise.all([import('./receipt-document.ts'), import('./pdf-signing.ts')]);
    const document = await renderReceipt(
      receiptFacts({
        ticket,
        townHall: this.options.townHall(),
        townHallName: this.options.townHallName,
        publicUrl: this.options.publicUrl,
        code,
        issuedAt,
        signer: signing?.commonName,
      }),
    );
    const bytes = await signedOrPlain(document, signing, {
      reason: `Confirmare de inregistrare ${ticket.number}/${ticket.year}`,
      location: this.options.townHall()?.name.ro ?? this.options.townHallName,
      contactInfo: this.options.townHall()?.email ?? '',
      signingTime: issuedAt,
    });
    const sha256 = sha256Hex(bytes);
    const fileName = receiptFileName(ticket);
    const storagePath = path.posix.join(receiptDirectoryName, `${ticket.year}-${ticket.number}-${code}.pdf`);
    const file = this.filePath(storagePath);
    writeFileAtomically(file, bytes);

    const stored = await inTransaction(database, async (transaction) => {
      // Another process (the CLI, a second instance) may have issued it meanwhile: theirs stands.
      const earlier = await firstRow(transaction.select().from(receipts).where(eq(receipts.ticketId, ticketId)));
      if (earlier) return earlier;
      await transaction
        .insert(receipts)
        .values({ ticketId, code, fileName, storagePath, sha256, signed: signing !== undefined, signer: signing?.subject ?? null, issuedAt: issuedAt.toISOString() });
      await recordEvent(transaction, ticketId, 'receipt_issued', { type: 'system' }, issuedAt, { code, sha256, signed: signing !== undefined });
      return undefined;
    });
    if (stored) {
      fs.rmSync(file, { force: true });
      return this.readStored(stored);
    }
    return { fileName, bytes };
  }
}
