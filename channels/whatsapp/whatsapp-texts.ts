import type { Language } from '../../src/language.ts';

// What the WhatsApp channel says on its own: answers to what the pipeline cannot read (voice notes,
// stickers…) and the words around buttons that WhatsApp renders natively or as a numbered list.

export interface TownHallContacts {
  phone?: string;
  email?: string;
}

export interface WhatsappTexts {
  voiceNote(contacts: TownHallContacts): string;
  unsupported(contacts: TownHallContacts): string;
  mediaFailed: string;
  chooseOption: string;
  listButton: string;
  numberedHint: string;
  sources: string;
  /** Added to a template outside the 24-hour window when files could not go with it (an issued document…). */
  filesHeld: string;
  /** Goes with those files once the citizen wrote again. */
  filesReleased: string;
}

/** A number or address still marked "[de completat]" in town-hall.md is not worth showing a citizen. */
function usable(value: string | undefined): string | undefined {
  return value && !value.includes('[') ? value : undefined;
}

function callOrWrite(language: Language, contacts: TownHallContacts): string {
  const phone = usable(contacts.phone);
  const email = usable(contacts.email);
  if (language === 'hu') {
    return [phone ? `hívja a hivatalt: ${phone}` : 'hívja a hivatalt ügyfélfogadási időben', email ? `vagy írjon e-mailt: ${email}` : ''].filter(Boolean).join(', ');
  }
  if (language === 'en') {
    return [phone ? `call the town hall on ${phone}` : 'call the town hall during opening hours', email ? `or e-mail ${email}` : ''].filter(Boolean).join(', ');
  }
  return [phone ? `sunați la primărie la ${phone}` : 'sunați la primărie în programul cu publicul', email ? `ori scrieți la ${email}` : ''].filter(Boolean).join(', ');
}

export const whatsappTexts: Record<Language, WhatsappTexts> = {
  ro: {
    voiceNote: (contacts) =>
      `Am primit mesajul vocal și l-am păstrat, dar nu pot asculta mesaje vocale. Vă rog scrieți aici întrebarea sau cererea, ori ${callOrWrite('ro', contacts)}.`,
    unsupported: (contacts) =>
      `Nu pot citi acest tip de mesaj. Pot citi text, fotografii, documente și locații. Vă rog scrieți întrebarea, ori ${callOrWrite('ro', contacts)}.`,
    mediaFailed: 'Nu am putut primi fișierul trimis (poate este prea mare: cel mult 16 MB). Vă rog trimiteți-l din nou sau aduceți-l la registratură.',
    chooseOption: 'Alegeți o opțiune:',
    listButton: 'Opțiuni',
    numberedHint: 'Răspundeți cu numărul opțiunii.',
    sources: 'Surse',
    filesHeld: '📎 Fișierul PDF vă așteaptă: scrieți-ne orice mesaj aici și vi-l trimitem imediat.',
    filesReleased: '📎 Iată fișierul care vă aștepta.',
  },
  hu: {
    voiceNote: (contacts) =>
      `Megkaptam és megőriztem a hangüzenetet, de hangüzenetet nem tudok meghallgatni. Kérem, írja meg itt kérdését vagy kérelmét, vagy ${callOrWrite('hu', contacts)}.`,
    unsupported: (contacts) =>
      `Ezt az üzenettípust nem tudom olvasni. Szöveget, fényképet, dokumentumot és helyszínt tudok fogadni. Kérem, írja meg kérdését, vagy ${callOrWrite('hu', contacts)}.`,
    mediaFailed: 'A küldött fájlt nem sikerült fogadni (talán túl nagy: legfeljebb 16 MB). Kérem, küldje el újra, vagy hozza be az iktatóba.',
    chooseOption: 'Válasszon:',
    listButton: 'Lehetőségek',
    numberedHint: 'Válaszoljon a lehetőség számával.',
    sources: 'Források',
    filesHeld: '📎 A PDF-fájl készen áll: írjon ide bármilyen üzenetet, és azonnal elküldjük.',
    filesReleased: '📎 Itt a fájl, amely Önre várt.',
  },
  en: {
    voiceNote: (contacts) =>
      `I received your voice message and kept it, but I cannot listen to voice messages. Please write your question or request here, or ${callOrWrite('en', contacts)}.`,
    unsupported: (contacts) =>
      `I cannot read this kind of message. I can read text, photos, documents and locations. Please write your question, or ${callOrWrite('en', contacts)}.`,
    mediaFailed: 'I could not receive the file you sent (it may be too large: 16 MB at most). Please send it again or bring it to the registry desk.',
    chooseOption: 'Choose an option:',
    listButton: 'Options',
    numberedHint: 'Reply with the number of your choice.',
    sources: 'Sources',
    filesHeld: '📎 The PDF file is waiting for you: send us any message here and we will send it right away.',
    filesReleased: '📎 Here is the file that was waiting for you.',
  },
};
