import type { Config } from '../config.ts';
import type { Database } from '../database/connection.ts';
import type { TicketRow } from '../database/schema.ts';
import type { TownHall } from '../knowledge/knowledge-base.ts';
import { ReceiptService, type ReceiptFile } from './receipt-service.ts';
import { loadSigningCertificate } from './signing-certificate.ts';
import { readTownHall } from './town-hall-source.ts';

// One receipt service per database. The server makes it at start (src/gdpr/egov-plugin.ts) with the
// loaded knowledge base; a channel adapter or the CLI reaches the same one through its database, or
// gets one made from the configuration when it runs on its own.

const services = new WeakMap<Database, ReceiptService>();

export interface ReceiptContext {
  config: Config;
  /** The drizzle database, as a ChannelContext carries it. */
  database: Database;
}

/** Loads the certificate now, so a wrong password stops start-up instead of the first download. */
export function createReceiptService(context: ReceiptContext, townHall?: () => TownHall | undefined): ReceiptService {
  const { config, database } = context;
  const signing = config.receipts.certificatePath ? loadSigningCertificate(config.receipts.certificatePath, config.receipts.certificatePassword) : undefined;
  let fromFile: TownHall | undefined;
  const service = new ReceiptService({
    database,
    dataDirectory: config.dataDirectory,
    publicUrl: config.publicUrl,
    townHallName: config.townHallName,
    townHall: () => townHall?.() ?? (fromFile ??= readTownHall(config.knowledgeDirectory)),
    signing,
  });
  services.set(database, service);
  return service;
}

export function receiptService(context: ReceiptContext): ReceiptService {
  return services.get(context.database) ?? createReceiptService(context);
}

/**
 * The ticket's registration receipt as a PDF — made on the first call, the same stored file after.
 * For adapters that send it as a document: `receiptFor(context, ticket)` with their ChannelContext.
 */
export function receiptFor(context: ReceiptContext, ticket: Pick<TicketRow, 'id'>): Promise<ReceiptFile> {
  return receiptService(context).receiptFor(ticket);
}
