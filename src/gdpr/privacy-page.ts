import type { FastifyInstance } from 'fastify';
import { isLanguage, languages, type Language, type Localized } from '../language.ts';
import { privacyNoticeLine, privacyNoticeVersion, privacyPath, privacyUrl } from './privacy-notice.ts';

// GET /privacy: the full information notice (GDPR art. 13) in Romanian, Hungarian and English on one
// page; ?lang= puts that language first. Plain HTML, no scripts, readable on a phone.

interface Controller {
  name: string;
  address: string;
  email: string;
  website: string;
}

interface NoticeFacts {
  controller: Controller;
  retentionDays: number;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);
}

const headings: Localized = { ro: 'Informare privind protecția datelor personale', hu: 'Adatkezelési tájékoztató', en: 'Privacy notice' };

function sections(language: Language, facts: NoticeFacts): [string, string][] {
  const { controller } = facts;
  const retention = facts.retentionDays > 0 ? facts.retentionDays : null;
  const contact = `${controller.name}, ${controller.address}, ${controller.email}`;
  if (language === 'hu') {
    return [
      ['Ki kezeli az adatait', `Adatkezelő: ${contact}. A Funcționar Virtual (virtuális ügyintéző) a hivatal saját szerverén fut; a kérdéseket megválaszoló nyelvi modell is itt fut, az adatokat nem küldjük mesterségesintelligencia-szolgáltatónak.`],
      ['Milyen adatokat', 'Az üzeneteit és a csatornán látható azonosítóját (Telegram-azonosító, WhatsApp-telefonszám, a webes csevegés munkamenete); ha kérelmet iktat: nevét, telefonszámát vagy e-mail-címét, a csatolt fájlokat. Ne küldjön személyi számot (CNP) vagy egészségügyi adatot a csevegésben.'],
      ['Miért és milyen jogalapon', 'Kérdései megválaszolására és kérelmei, bejelentései, petíciói iktatására és megválaszolására: közérdekű feladat (GDPR 6. cikk (1) e)), a 27/2002. sz. kormányrendelet és az 544/2001. sz. törvény szerinti jogi kötelezettség (6. cikk (1) c)); nevét és elérhetőségét csak az Ön hozzájárulásával rögzítjük (6. cikk (1) a)).'],
      ['Meddig őrizzük', `${retention ? `Az iktatott kérelem nélküli beszélgetéseket ${retention} nap tétlenség után automatikusan töröljük.` : 'Az iktatott kérelem nélküli beszélgetéseket a hivatal által beállított idő után töröljük.'} Az iktatott kérelmeket a 16/1996. sz. levéltári törvény és a hivatal irattári terve szerinti ideig őrizzük.`],
      ['Kik kapják meg', 'A hivatal illetékes ügyintézői. A csatorna üzemeltetője (Telegram, a Meta/WhatsApp vagy a Microsoft) a saját feltételei szerint továbbítja az üzeneteket.'],
      ['Az Ön jogai', 'Hozzáférés, helyesbítés, törlés (a levéltári kötelezettség határain belül), korlátozás, tiltakozás, adathordozhatóság, a hozzájárulás visszavonása; panasz a Nemzeti Adatvédelmi Hatóságnál (ANSPDCP, www.dataprotection.ro). Kérését az iktatóban vagy e-mailben nyújtsa be; 30 napon belül válaszolunk, és megkapja adatait egy fájlban.'],
      ['Automatizált döntés', 'Nincs: a virtuális ügyintéző tájékoztat és iktat, a kérelmekről ügyintéző dönt.'],
    ];
  }
  if (language === 'en') {
    return [
      ['Who processes your data', `Controller: ${contact}. Funcționar Virtual (the virtual clerk) runs on the town hall's own server; the language model that writes answers runs there too, and no data is sent to an AI provider.`],
      ['What data', 'Your messages and your identifier on the channel (Telegram id, WhatsApp phone number, web chat session); when you file a request: your name, phone number or e-mail address, and the files you attach. Do not send your personal numeric code (CNP) or health data in the chat.'],
      ['Why, and on what legal basis', 'To answer your questions and to register and answer your requests, reports and petitions: a task in the public interest (GDPR art. 6(1)(e)) and legal obligations under Government Ordinance 27/2002 and Law 544/2001 (art. 6(1)(c)); your name and contact details are recorded only with your consent (art. 6(1)(a)).'],
      ['How long', `${retention ? `Conversations that led to no registered request are deleted automatically after ${retention} days without activity.` : 'Conversations that led to no registered request are deleted after the period the town hall sets.'} Registered requests are kept as long as the archive law (Law 16/1996) and the town hall's archival nomenclature require.`],
      ['Who receives it', 'The town hall clerks in charge. The channel operator (Telegram, Meta/WhatsApp or Microsoft) carries the messages under its own terms.'],
      ['Your rights', 'Access, rectification, erasure (within the archive obligations), restriction, objection, portability, withdrawing consent; complaint to the national supervisory authority (ANSPDCP, www.dataprotection.ro). Ask at the registry desk or by e-mail; we answer within 30 days and give you your data in one file.'],
      ['Automated decisions', 'None: the virtual clerk informs and registers; clerks decide on requests.'],
    ];
  }
  return [
    ['Cine vă prelucrează datele', `Operator: ${contact}. Funcționar Virtual (asistentul virtual) rulează pe serverul propriu al primăriei; și modelul de limbaj care scrie răspunsurile rulează aici, iar datele nu sunt trimise unui furnizor de inteligență artificială.`],
    ['Ce date', 'Mesajele dvs. și identificatorul de pe canal (id Telegram, număr de telefon WhatsApp, sesiunea din chatul de pe site); când depuneți o cerere: numele, telefonul sau adresa de e-mail și fișierele atașate. Nu trimiteți CNP-ul sau date despre sănătate în chat.'],
    ['De ce și pe ce temei', 'Pentru a vă răspunde la întrebări și pentru a înregistra și soluționa cererile, sesizările și petițiile: sarcină de interes public (GDPR art. 6 alin. (1) lit. e)) și obligații legale din OG 27/2002 și Legea 544/2001 (art. 6 alin. (1) lit. c)); numele și datele de contact se înregistrează doar cu acordul dvs. (art. 6 alin. (1) lit. a)).'],
    ['Cât timp', `${retention ? `Conversațiile care nu au dus la o cerere înregistrată se șterg automat după ${retention} de zile fără activitate.` : 'Conversațiile care nu au dus la o cerere înregistrată se șterg după termenul stabilit de primărie.'} Cererile înregistrate se păstrează cât cer Legea Arhivelor Naționale nr. 16/1996 și nomenclatorul arhivistic al primăriei.`],
    ['Cine le primește', 'Funcționarii primăriei care se ocupă de cerere. Operatorul canalului (Telegram, Meta/WhatsApp sau Microsoft) transmite mesajele conform propriilor condiții.'],
    ['Drepturile dvs.', 'Acces, rectificare, ștergere (în limitele obligațiilor de arhivare), restricționare, opoziție, portabilitate, retragerea consimțământului; plângere la Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (ANSPDCP, www.dataprotection.ro). Cererea se depune la registratură sau prin e-mail; răspundem în 30 de zile și primiți datele într-un singur fișier.'],
    ['Decizii automate', 'Nu există: asistentul informează și înregistrează; despre cereri decid funcționarii.'],
  ];
}

export function renderPrivacyPage(facts: NoticeFacts, first: Language): string {
  const order = [first, ...languages.filter((language) => language !== first)];
  const articles = order
    .map(
      (language) => `<article lang="${language}" id="${language}">
<h2>${escapeHtml(headings[language])}</h2>
${sections(language, facts)
  .map(([title, body]) => `<h3>${escapeHtml(title)}</h3>\n<p>${escapeHtml(body)}</p>`)
  .join('\n')}
</article>`,
    )
    .join('\n<hr>\n');
  return `<!doctype html>
<html lang="${first}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(headings[first])} — ${escapeHtml(facts.controller.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2733}h1{font-size:1.4rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem;margin-bottom:.2rem}nav a{margin-right:1rem}small{color:#5a6775}</style>
</head>
<body>
<h1>${escapeHtml(facts.controller.name)} — Funcționar Virtual</h1>
<nav><a href="#ro">Română</a><a href="#hu">Magyar</a><a href="#en">English</a></nav>
${articles}
<p><small>${privacyNoticeVersion}</small></p>
</body>
</html>
`;
}

export function privacyRoutes(app: FastifyInstance): void {
  const { config, answering } = app.functionar;
  app.get<{ Querystring: { lang?: string } }>(
    privacyPath,
    { schema: { querystring: { type: 'object', properties: { lang: { type: 'string', maxLength: 5 } } } } },
    async (request, reply) => {
      const townHall = answering.knowledge?.townHall();
      const controller: Controller = {
        name: townHall?.name.ro ?? config.townHallName,
        address: townHall?.address ?? '',
        email: townHall?.email ?? '',
        website: townHall?.website ?? '',
      };
      const language = isLanguage(request.query.lang) ? request.query.lang : 'ro';
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(renderPrivacyPage({ controller, retentionDays: config.retentionDays }, language));
    },
  );

  // The short notice for interfaces that show it themselves before the first question (the web chat bubble).
  app.get<{ Querystring: { lang?: string } }>(
    `${privacyPath}/notice.json`,
    {
      schema: {
        querystring: { type: 'object', properties: { lang: { type: 'string', maxLength: 5 } } },
        response: { 200: { type: 'object', properties: { language: { type: 'string' }, text: { type: 'string' }, url: { type: 'string' }, version: { type: 'string' } } } },
      },
    },
    async (request) => {
      const language = isLanguage(request.query.lang) ? request.query.lang : 'ro';
      return { language, text: privacyNoticeLine(language, config.townHallName, config.publicUrl), url: privacyUrl(config.publicUrl, language), version: privacyNoticeVersion };
    },
  );
}
