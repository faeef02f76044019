// What the bot says to town hall staff in Teams (Romanian: the clerks' working language).

const commands =
  '/tichete [deschise|ale-mele|intarziate], /vezi N, /raspunde N text, /nota N text, /aloca N departament|funcționar, /preia N, /prelungeste N motiv, /inchide N [text], /emite N șablon text (document semnat pentru cetățean)';

export const teamsTexts = {
  welcomeClerk: (name: string) =>
    `Bună ziua, ${name}! Aici primiți termenele zilnice și puteți lucra tichetele cu comenzile: ${commands}. N este numărul tichetului (12 sau 12/2026).`,
  notAClerk:
    'Acest asistent este pentru funcționarii primăriei. Contul dvs. Teams nu este înregistrat ca funcționar; administratorul îl poate adăuga cu `functionar clerks add --teams <id>`.',
  addedToTeam: (channelId: string) =>
    `Funcționar Virtual a fost adăugat în echipă. Pentru ca tichetele noi să apară în acest canal, administratorul setează TEAMS_STAFF_CONVERSATION_ID=${channelId} și repornește serviciul. Funcționarii pot folosi aici comenzile, menționând botul: ${commands}.`,
  staffChannelReady: 'Funcționar Virtual a fost adăugat. Tichetele noi și cererile de a vorbi cu un funcționar vor apărea în acest canal.',
  internalError: 'A apărut o eroare internă. Verificați cu /vezi N dacă modificarea s-a făcut înainte de a repeta comanda.',
};
