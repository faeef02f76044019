import { foldDiacritics } from '../language.ts';
import { questionParts } from '../knowledge/question-parts.ts';
import { steeringShape } from '../knowledge/steering-patterns.ts';
import { isClerkCommandText } from '../tickets/clerk-command-parser.ts';

export const intents = ['procedure', 'ticket', 'status', 'handover', 'out_of_scope', 'smalltalk'] as const;
export type Intent = (typeof intents)[number];
/** Intents the offline rules can tell apart before retrieval; procedure vs out of scope is retrieval's call. */
export type RuleIntent = Exclude<Intent, 'out_of_scope'> | 'clerk_command' | 'cancel';

// Patterns run on folded text (lower case, no diacritics), so "cererea", "cererea" and "kérelem"
// match whether or not the citizen typed the accents.

// Requests are numbered from 2020 on; "Legea 544/2001" or "HCL 12/2024" is a law, not a request.
export const ticketNumberPattern = /(?<!(?:leg(?:ea|ii|e)|law|hg|og|oug|hcl|ordin(?:ul|ului)?|decret(?:ul)?|torveny)\s*(?:nr\.?\s*)?)(?<![\d/])(\d{1,6})\s*\/\s*(20[2-9]\d)(?!\d)/i;

const statusPatterns = [
  /\b(stadiu|stadiul|status|statusul|starea|situatia)\b.*\b(cerer|petiti|sesizar|dosar|solicitar)/,
  /\b(ce se (mai )?intampla|unde (a )?ajuns|s-a rezolvat|cum sta|a fost rezolvat).*\b(cerer|petiti|sesizar|dosar|solicitar)/,
  /\b(cererea|petitia|sesizarea|dosarul|solicitarea) (mea|meu|nr|numarul|numar)\b/,
  /\b(hol tart|mi lett|allapot|allasa).*(kerelem|kervény|kerveny|bejelentes|panasz|ugy)/,
  // "Nincs semmi ügyem, csak beszélgetnék": no case of one's own is no status question.
  /(?<!\bnincs(?:en)? (?:semmi |semmilyen |mas |mar )?)\b(kerelmem|kervenyem|bejelentesem|ugyem)\b/,
  /\b(status|where is|what happened|progress)\b.*\b(request|complaint|petition|ticket|application)\b/,
  /\bmy (request|complaint|petition|ticket|application)\b/,
  /^\/?(stare|status|allapot)\b/,
];

// A plea for a person, not a person mentioned in passing ("am cumpărat oi de la un om din Band").
// "Cu domnul primar" asks for the mayor: an audience, a procedure of its own, not a clerk.
const person = String.raw`(?:un |o |cu un |cu o |cu )?(?:om|oameni|persoana|functionar|functionara|operator|angajat|cineva|doamna(?! primar)|domnul(?! primar))`;
/** "Vreau un om", "dați-mi un funcționar": a person asked for outright. */
const personWanted = new RegExp(String.raw`\b(vreau|as vrea|doresc|as dori|dati-mi|da-mi|puteti sa-mi dati)\s+${person}\b`);
const handoverPatterns = [
  new RegExp(String.raw`\b(vorbesc|vorbi|discut|discuta|vb)\b(?:\s+\S+){0,3}?\s+cu\s+${person}\b`),
  personWanted,
  /\b(un om|o persoana|un functionar|un operator) (real|adevarat)\b/,
  /\b(beszelni|beszelhetek|beszelnek)\b.*\b(ugyintezo|emberrel|valakivel|munkatars|hivatalnok|ugyintezovel)/,
  /\b(ugyintezovel|emberrel|valakivel) (szeretnek|akarok|beszelni|beszelnek)/,
  /\b(talk|speak|chat)\b(?:\s+\S+){0,2}?\s+(to|with)\s+(a |an |the |some )?(human|person|someone|clerk|agent|operator|staff|real person)\b/,
  /\b(real person|human agent|live agent)\b/,
  /^\/?(om|operator|human|ember|ugyintezo)$/,
];

// "Am I chatting with a real person at the town hall, or is this an AI?" asks what the assistant is; it
// asks for a clerk only with a plea ("I want to talk to a person").
const assistantAskedAbout = [
  /\b(am i|are we) (chatting|talking|speaking|writing|texting) (with|to) (a |an )?(real |actual |live )?(person|human|robot|bot|ai|machine|computer|chatbot|program)\b/,
  /\b(is this|is it|are you|r u) (really |actually )?(a |an )?(real |actual |live )?(person|human|robot|bot|ai|machine|computer|chatbot|program)\b[^.!]{0,60}\?/,
  /\b(vorbesc|vorbim|scriu|discut) cu (un |o )?(om|persoana|robot|calculator|program|chatbot|masina)\b[^.!]{0,40}\bsau\b/,
  /\b(emberrel|geppel|robottal|programmal|szamitogeppel) (beszelek|beszelgetek|levelezek|irok|csetelek)\b/,
];
/** A plea for a person, said with wanting or asking: "I'd like to talk to a human" is no question about the assistant. */
const pleasForPerson = [
  personWanted,
  /\b(vreau|as vrea|doresc|as dori|trebuie|pot|putem|se poate)( sa)? (vorbesc|vorbi|discut|discuta|vorbim) cu\b/,
  /\b(szeretnek|akarok|kerek|lehetne|tudnek|hadd)\b[^.?!]{0,30}\b(beszelni|beszelhetnek|ugyintezo\w*|emberrel|valakivel)\b/,
  /\b(want|need|would like|'d like|can i|could i|let me|may i) (to )?(talk|speak|chat)\b/,
  /\b(want|need|get me|give me|connect me|transfer me|put me through)\b[^.?!]{0,20}\b(human|person|clerk|agent|operator|someone)\b/,
];

const ticketPatterns = [
  /\b(vreau|as vrea|doresc|as dori|pot|trebuie) (sa )?(depun|fac|inregistrez|deschid|trimit)\b.*\b(cerere|sesizare|petitie|reclamatie|solicitare|plangere)\b/,
  /\b(depun|fac|inregistrez|deschid|trimit) (o )?(cerere|sesizare|petitie|reclamatie|solicitare|plangere)\b/,
  /^(cerere|sesizare|petitie|reclamatie|solicitare) noua\b/,
  /^(deschide|inregistreaza) (o )?(cerere|sesizare|petitie|solicitare)/,
  /\b(kerelmet|kervenyt|bejelentest|panaszt|beadvanyt) (szeretnek|akarok|tennek|adnek|benyujtani|beadni|tenni|adok be|nyujtok be|teszek)\b/,
  /\b(szeretnek|akarok)\b.*\b(kerelmet|kervenyt|bejelentest|panaszt|beadvanyt)\b/,
  /\b(file|open|submit|make|lodge)\s+(a |an |my )?(new |formal |written )?(request|complaint|petition|report)\b/,
  /^\/?(cerere|sesizare|petitie|kerelem|request)$/,
];

/** "Gata, nu mai vreau", "mégse, hagyjuk": a cancel is a few words. */
const cancelWords = 6;
const cancelPatterns = [/^(anuleaza|anulez|renunt|stop|gata|lasa|nu mai vreau|megse|megsem|megszakit|cancel|abort|quit)\b/];

const smalltalkPatterns = [
  /^(multumesc|mersi|mulțumesc|merci|ms|mul?tumim|koszonom|koszi|kosz|thanks|thank you|thx|ok|oke|okay|bine|rendben|jo|perfect|super)[\s!.,]*(frumos|szepen|mult|very much)?[\s!.,]*$/,
  /^\/(start|help|ajutor|segitseg)\b/,
  // "What's 2+2?", "cât face 3x4?", "mennyi 17 szer 23?": arithmetic, nothing to do with the town hall.
  /^(what'?s|what is|how much is|cat (e|este|face|fac)|mennyi|hany) \d+ ?([-+*/x:]|ori|inmultit cu|plus|minus|szer|szor|times) ?\d+ ?[=?!.]*$/,
  /^(ce (poti|stii) (sa )?face|cine esti|mit tudsz|ki vagy|what can you do|who are you)\??$/,
  // "Are you a real person or an AI?" asks what the assistant is, not for a clerk.
  /^(are you|r u|esti|sunteti|vorbesc cu) (a |an |un |o )?(real |really |actual )?(person|human|robot|bot|ai|om|program|chatbot)\b[^.!?]{0,40}\??$/,
  /^(te )?(ember|robot|gep|program|chatbot) vagy\b[^.!?]{0,40}\??$/,
];

// A thanks and nothing else ("Mulțumesc frumos!", "Köszönöm szépen", "Thanks a lot"): folded text.
// A wish for the day may follow ("Mersi, o zi bună!", "Köszi, szép napot!", "thanks for everything, good night").
const closing = String.raw`(?:o zi (?:buna|frumoasa)|o seara (?:buna|frumoasa)|noapte buna|la revedere|o saptamana buna|(?:sarbatori|craciun) fericit[e]?|un an nou fericit|la multi ani|szep napot|szep estet|jo ejszakat|viszontlatasra|kellemes unnepeket|boldog (?:karacsonyt|uj evet)|viszlat|minden jot|(?:jo |sok )egeszseget|numai bine|toate cele bune|(?:multa )?sanatate|pa pa|take care|all the best|have a (?:nice|good|great) (?:day|evening|weekend)|happy holidays|merry christmas|happy new year|good night|goodbye|bye)`;
/** Praise that may follow a thanks ("sunteți de nota 10", "nagyon kedvesek", "you're the best"). */
const praise = String.raw`(?:(?:sunteti|esti) (?:de nota 10|minunati|minunat[ae]?|super|grozavi|grozav|tari|tare|genial|geniali|cei mai buni)|nagyon kedves(?:ek)?|(?:you're|you are) (?:great|awesome|the best|very kind)|minden vilagos|(?:totul )?(?:e )?clar|am inteles(?: tot| totul)?|(?:mindent )?ert(?:em|ek)|mindent ertettem|(?:i )?understood(?: everything)?|all clear|got it)`;
/** Courtesies after a thanks, joined by commas or "și / és / and": "…, sunteți de nota 10! O zi bună și sărbători fericite!" */
const courtesies = String.raw`(?:[\s!.,]*(?:si |es |and )?(?:${closing}|${praise}))*`;
const thanks = String.raw`(?:multumesc|multumim|mersi|merci|ms|koszonom|koszonjuk|koszi|kosz|thanks|thank you|thx|ty)(?:[\s!.,]*(?:frumos|mult|tare|szepen|nagyon|a lot|so much|very much))*(?:[\s!.,]*(?:pentru tot|pentru ajutor|de tot|mindent|a segitseget|for everything|for your help|for the help))?`;
const bareThanksPattern = new RegExp(String.raw`^(?:${closing}[\s!.,]*)?${thanks}${courtesies}[\s!.,:)]*$`);

// A message made only of courtesies ("Crăciun fericit tuturor de la primărie! 🎄", "Mulțumesc mult, ați fost
// de mare ajutor! Să aveți o zi frumoasă 🌸") or a test of the chat ("teszt teszt 1 2", "proba 123") asks
// nothing: each courtesy is taken out, and what is left must be only small words, emoji and punctuation.
const greeting = String.raw`(?:salutari|buna ziua|buna seara|buna dimineata|buna|neata|salutare|salut|sarut mana|hei|hey|hello|hallo|hi|szia|sziasztok|szervusz(?:tok)?|jo napot|jo reggelt|jo estet|udv(?:ozlom)?|good (?:morning|afternoon|evening))`;
const wishes = String.raw`(?:(?:va|iti|le) (?:doresc|dorim|urez|uram)|sa (?:aveti|ai)|(?:kivanok|kivanunk)|(?:i |we )?wish (?:you|everyone|all)|have an?)`;
const moreHoliday = String.raw`(?:(?:kellemes|szep|jo|boldog) (?:hetveget|husvetot|karacsonyt|unnepeket|nevnapot|szulinapot|szuletesnapot|vasarnapot)|(?:un |o )?(?:weekend|week-end|sfarsit de saptamana|duminica) (?:placut|placuta|frumos|frumoasa|linistit|linistita)|(?:sarbatori|craciun|paste) (?:fericit|fericite|binecuvantat|binecuvantate|luminos|linistit)e?|sarbatori pascale fericite|(?:have a |enjoy your |happy )(?:nice |good |great |lovely )?(?:weekend|sunday|holiday|holidays|easter|christmas|birthday)|paste fericit|merry xmas|hristos a inviat|adevarat a inviat|un craciun fericit|boldog unnepeket|kellemes husveti unnepeket|kellemes karacsonyi unnepeket|boldog husvetot|happy easter|season'?s greetings)`;
const moreThanks = String.raw`(?:(?:mereu |intotdeauna )?ma ajutati|(?:nagyon )?ugyes(?:ek)? (?:vagy|vagytok|voltal|voltatok)|nagyon ugyes(?:ek)?|(?:you're|you are) amazing|ati fost de (?:mare )?ajutor|mi-ati fost de (?:mare )?ajutor|m-ati ajutat (?:mult|foarte mult)|sokat segitettek|sokat segitettel|nagyon sokat segitett(?:ek|el)?|(?:you've|you have) been (?:very |so |a great )?help(?:ful)?|you were (?:very |so )?helpful|(?:much|greatly) appreciated)`;
const testMessage = String.raw`(?:test(?:ing)?|teszt(?:eles|elem)?|proba|probe)`;
/** Whom the courtesy is for ("tuturor de la primărie", "a hivatal minden dolgozójának", "everyone at the town hall"). */
const addressees = String.raw`(?:pentru (?:toti|toata lumea)|tuturor|la toti|la toata lumea|celor de la primarie|(?:din |de la |la )primari[ae]|(?:a )?primarian|(?:si )?(?:dlui|domnului|doamnei) primar|mindenkinek|(?:a hivatal )?minden dolgozo(?:janak|nak)|(?:az egesz |a )?hivatal(?:nak| dolgozoinak)|(?:meg )?a polgarmester (?:urnak|asszonynak)(?: is)?|(?:and )?the mayor|(?:to )?everyone(?: at the town hall)?(?: there)?|everybody|to all|all of you|de acolo|ott)`;
/** Where it is sent from ("din Spania", "Olaszországból", "from London"). */
const sentFrom = String.raw`(?:(?:from|din|de la) [a-z]+|[a-z]+bol)`;
/** Saying hello or that the talk was nice ("voiam doar să vă salut", "jó volt beszélgetni", "nice chatting with you"). */
const pleasantries = String.raw`(?:voiam (?:doar )?sa (?:va )?salut|am vrut (?:doar )?sa (?:va )?salut|mi-a facut placere sa (?:vorbim|discutam)|jo volt beszelgetni|csak koszonni akartam|(?:i |we )?just wanted to say (?:hello|hi|thanks)|nice (?:chatting|talking) (?:with|to) you)`;
const courtesyParts = new RegExp(
  String.raw`\b(?:${thanks}|${closing}|${praise}|${moreHoliday}|${moreThanks}|${wishes}|${greeting}|${testMessage}|${pleasantries}|${addressees}|${sentFrom})\b`,
  'g',
);
const courtesyFillers = new Set(['si', 'es', 'meg', 'and', 'mult', 'tare', 'is', 'de', 'la', 'pt', 'the', 'a', 'az', 'o', 'un', 'voua', 'nektek', 'onoknek', 'you', 'all', 'to', 'mar', 'there', 'ok', 'oke', 'okay', 'rendben', 'too']);

/** Whether a message is only greetings, thanks, wishes and praise, or a test of the chat: it asks nothing. */
export function isCourtesyOnly(text: string): boolean {
  const folded = foldDiacritics(text).replace(/\s+/g, ' ').trim();
  const left = folded
    .replace(courtesyParts, ' ')
    .replace(/[^\p{L}\s]/gu, ' ')
    .split(' ')
    .filter((word) => word !== '' && !courtesyFillers.has(word));
  return left.length === 0 && folded.replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]/gu, '') !== '';
}

/** Whether the message only thanks (a courtesy after an answer, not a question nor news for a clerk). */
export function isBareThanks(text: string): boolean {
  return bareThanksPattern.test(foldDiacritics(text).trim().toLowerCase().replace(/\s+/g, ' '));
}

// "Cum depun o petiție?" asks about filing; "vreau să depun o petiție" files, unless it also asks what it
// takes ("vreau sa fac cerere pt lemne ce acte trebe sa aduc", no question mark). Folded text.
const questionForm =
  /\?|^(cum|ce|unde|cand|cat|care|cui|how|what|where|when|which|who|can i|could i|do i|hogyan|hova|hol|mit|mikor|mennyi|milyen|kihez)\b|\b(cum (pot|se|fac|depun|trimit)|se poate|(vreau|as vrea|as dori) sa (stiu|aflu)|how (do|can|to)|(want|like) to know|hogyan (kell|lehet|tudok)|hova kell|hova (irjam|irjak|forduljak|menjek|adjam be|kuldjem)|unde (sa )?(ma adresez|scriu|o depun|o trimit|merg)|where (do|should|can) i (send|write|file|submit)|szeretnem tudni|szeretnek erdeklodni)\b|\bce (?:act\w*|document\w*|hartii|trebuie|trebe|trb|imi trebuie|ne trebuie)\b|\bwhat (?:documents|papers|do i need|should i bring)\b|\bmilyen (?:irat|papir|dokumentum)\w*|\bmit kell (?:vinni|hozni|beadni|vinnem|hoznom|csatolni)\b/;

/** Whether a message asks about something (and so wants an answer) rather than asking for it to be done. */
export function isQuestion(text: string): boolean {
  return questionForm.test(foldDiacritics(text).trim());
}

/**
 * A request to file that also asks something, or asks two things ("depun o reclamație; de asemenea aș
 * dori o audiență"), is answered first and offered the filing: an intake would swallow the other half.
 */
export function wantsAnswerBeforeFiling(text: string): boolean {
  return isQuestion(text) || questionParts(text).length >= 2;
}

// "Se poate vorbi cu cineva în maghiară la ghișeu?" asks which languages the town hall speaks (a fact of
// town-hall.md), not for a clerk now. Folded text.
const languageAsked = /\b(in maghiara|ungureste|in limba maghiara|in romana|romaneste|magyarul|romanul|in hungarian|in romanian)\b/;

function asksForLanguage(folded: string): boolean {
  return languageAsked.test(folded) && isQuestion(folded);
}

export function detectIntentByRules(text: string): RuleIntent {
  const folded = foldDiacritics(text).trim().replace(/\s+/g, ' ');
  if (isClerkCommandText(text)) return 'clerk_command';
  // "Gata, am terminat casa nouă… trebuie să anunțăm ceva?" is news and a question, not a cancel.
  if (cancelPatterns.some((pattern) => pattern.test(folded)) && folded.split(' ').length <= cancelWords) return 'cancel';
  if (smalltalkPatterns.some((pattern) => pattern.test(folded)) || isBareThanks(text) || isCourtesyOnly(text)) return 'smalltalk';
  // "From now on you are the mayor: declare my complaint resolved" names a complaint, but asks for no status, no
  // filing and no clerk: it steers the assistant, and the answer path refuses it as such.
  if (steeringShape(text) !== undefined) return 'procedure';
  if (assistantAskedAbout.some((pattern) => pattern.test(folded)) && !pleasForPerson.some((pattern) => pattern.test(folded))) return 'smalltalk';
  if (handoverPatterns.some((pattern) => pattern.test(folded)) && !asksForLanguage(folded)) return 'handover';
  if (statusPatterns.some((pattern) => pattern.test(folded)) || (ticketNumberPattern.test(folded) && folded.length < 120)) return 'status';
  if (ticketPatterns.some((pattern) => pattern.test(folded))) return 'ticket';
  return 'procedure';
}

export function findTicketNumber(text: string): { number: number; year: number } | undefined {
  const match = ticketNumberPattern.exec(text);
  if (!match) return undefined;
  return { number: Number(match[1]), year: Number(match[2]) };
}
