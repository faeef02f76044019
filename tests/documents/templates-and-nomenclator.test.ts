import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveEntryFor, disposableFrom, loadNomenclator, parseNomenclator } from '../../src/archive/nomenclator.ts';
import { clerkValues } from '../../src/documents/document-service.ts';
import { fillPlaceholders, findTemplate, issuedElectronically, listTemplates, parseTemplate } from '../../src/documents/document-templates.ts';
import { formatClerkCommand, readClerkCommand } from '../../src/tickets/clerk-command-parser.ts';
import { repositoryRoot } from '../helpers/cli.ts';

// The pieces a town hall edits without code (the document templates and the archive nomenclator) are
// checked when read, and the clerk's /emite line is read the same way on every surface.

const knowledge = path.join(repositoryRoot, 'knowledge');

describe('/emite and /issue', () => {
  it('read the ticket, the template and the text with its lines', () => {
    expect(readClerkCommand('/emite 12 adeverinta-registru-agricol adresa: sat Chendu 4\nscop: APIA')).toEqual({
      ok: true,
      command: { name: 'issue', ticket: { number: 12, year: undefined }, template: 'adeverinta-registru-agricol', text: 'adresa: sat Chendu 4\nscop: APIA' },
    });
    expect(readClerkCommand('/issue 3/2026 raspuns-petitie')).toEqual({ ok: true, command: { name: 'issue', ticket: { number: 3, year: 2026 }, template: 'raspuns-petitie', text: '' } });
    expect(readClerkCommand('/emite 12')).toEqual({ ok: false, problem: { problem: 'missing-text', command: 'issue' } });
    expect(formatClerkCommand({ name: 'issue', ticket: { number: 3, year: 2026 }, template: 'raspuns-petitie', text: 'Da.' })).toBe('/emite 3/2026 raspuns-petitie Da.');
  });

  it("splits the clerk's named values from the document's text", () => {
    expect(clerkValues('adresa: sat Chendu nr. 4\nScop: APIA\nTeren 2 ha')).toEqual({ adresa: 'sat Chendu nr. 4', scop: 'APIA', text: 'Teren 2 ha' });
  });
});

describe('document templates (knowledge/documents)', () => {
  it('are all valid, and the civil-status duplicate is not issued electronically', () => {
    const templates = listTemplates(knowledge);
    expect(templates.map((template) => template.slug)).toEqual(expect.arrayContaining(['adeverinta-registru-agricol', 'adeverinta-venit-agricol', 'certificat-atestare-fiscala', 'certificat-nomenclatura-adresa', 'raspuns-petitie']));
    expect(issuedElectronically(findTemplate(knowledge, 'certificate-stare-civila-duplicat')!)).toBe(false);
    // A procedure's slug finds its template.
    expect(findTemplate(knowledge, 'sesizare-problema-locala')?.slug).toBe('raspuns-petitie');
  });

  it('refuse a paper-only template without a reason told to the citizen', () => {
    expect(() => parseTemplate('slug: x\ntitle: X\npaper_only: true\n', 'x.yaml')).toThrow(/reason/);
    expect(() => parseTemplate('slug: y\ntitle: Adeverință\nbody: text\n', 'z.yaml')).toThrow(/differs from the file name/);
  });

  it('fill placeholders and show a missing value as a visible gap', () => {
    expect(fillPlaceholders('{{nume}}, {{adresa}}\n\n{{text}}', { nume: 'Ion Pop', text: '' })).toBe('Ion Pop, ……');
  });
});

describe('the archive nomenclator', () => {
  it('files a record by its procedure, then its department, else the default entry', () => {
    const nomenclator = loadNomenclator(knowledge);
    expect(archiveEntryFor(nomenclator, { procedureSlug: 'adeverinta-registru-agricol', department: 'registru-agricol' }).id).toBe('IV-2');
    expect(archiveEntryFor(nomenclator, { procedureSlug: null, department: 'registru-agricol' }).id).toBe('IV-1');
    expect(archiveEntryFor(nomenclator, { procedureSlug: null, department: 'necunoscut' }).id).toBe('I-2');
  });

  it('refuses an index twice, a procedure under two entries, or no default', () => {
    expect(() => parseNomenclator('entries:\n  - {id: "I-1", name: "Registru", retention: permanent, default: true}\n  - {id: "I-1", name: "Altul", retention: 5}\n')).toThrow(/twice/);
    expect(() => parseNomenclator('entries:\n  - {id: "I-1", name: "Unu", retention: 5, procedures: [petitie], default: true}\n  - {id: "I-2", name: "Doi", retention: 5, procedures: [petitie]}\n')).toThrow(/both/);
    expect(() => parseNomenclator('entries:\n  - {id: "I-1", name: "Unu", retention: 5}\n')).toThrow(/default/);
  });

  it('says from when a file may be disposed of, and never for a permanent one', () => {
    const nomenclator = loadNomenclator(knowledge);
    expect(disposableFrom(archiveEntryFor(nomenclator, { procedureSlug: 'petitie' }), 2026)).toBe('2032-01-01');
    expect(disposableFrom(archiveEntryFor(nomenclator, { procedureSlug: 'autorizatie-construire' }), 2026)).toBeUndefined();
  });
});
