import type { Config } from '../config.ts';
import type { Database } from '../database/connection.ts';
import type { TownHall } from '../knowledge/knowledge-base.ts';
import { loadNomenclator, type Nomenclator } from '../archive/nomenclator.ts';
import { loadSigningCertificate } from '../receipts/signing-certificate.ts';
import { readTownHall } from '../receipts/town-hall-source.ts';
import { DocumentService, type StaffChat } from './document-service.ts';

// One document service per database, as for receipts: the server makes it at start (document-routes.ts)
// and the clerk-command runner finds it through the database it works on; the CLI registers a factory,
// so `functionar command "/emite …"` registers the document and the running server finishes and sends it.

const services = new WeakMap<Database, DocumentService>();
let factory: ((database: Database) => DocumentService) | undefined;

export interface DocumentServiceContext {
  config: Config;
  database: Database;
  /** Where a document that could not be made is reported (the server's logger). */
  logger: { error(details: object, message: string): void };
  onQueued?: () => void;
  /** True in the server; false in the CLI (see DocumentServiceOptions). */
  finishInBackground: boolean;
  townHall?: () => TownHall | undefined;
  staffChats?: () => Promise<StaffChat[]>;
}

/** The certificate that signs documents: DOCUMENT_CERTIFICATE_* when given, else the receipts' one. */
function documentCertificate(config: Config): { path: string | undefined; password: string } {
  if (config.documents.certificatePath) return { path: config.documents.certificatePath, password: config.documents.certificatePassword };
  return { path: config.receipts.certificatePath, password: config.receipts.certificatePassword };
}

export function createDocumentService(context: DocumentServiceContext): DocumentService {
  const { config, database } = context;
  const certificate = documentCertificate(config);
  const signing = certificate.path ? loadSigningCertificate(certificate.path, certificate.password) : undefined;
  let fromFile: TownHall | undefined;
  let nomenclator: Nomenclator | undefined;
  const service = new DocumentService({
    database,
    dataDirectory: config.dataDirectory,
    knowledgeDirectory: config.knowledgeDirectory,
    publicUrl: config.publicUrl,
    townHallName: config.townHallName,
    townHall: () => context.townHall?.() ?? (fromFile ??= readTownHall(config.knowledgeDirectory)),
    nomenclator: () => (nomenclator ??= loadNomenclator(config.knowledgeDirectory)),
    signing,
    logger: context.logger,
    onQueued: context.onQueued ?? (() => undefined),
    finishInBackground: context.finishInBackground,
    staffChats: context.staffChats,
  });
  services.set(database, service);
  return service;
}

/** For processes that do not serve (the CLI): how to make the service when a command needs it. */
export function useDocumentServiceFactory(make: (database: Database) => DocumentService): void {
  factory = make;
}

export function documentServiceOf(database: Database): DocumentService | undefined {
  const existing = services.get(database);
  if (existing) return existing;
  if (!factory) return undefined;
  const made = factory(database);
  services.set(database, made);
  return made;
}
