// Credentials that travel inside URLs: the web chat session id (a citizen's only key to their
// conversation, also inside the receipt link sent to them) and API keys or tokens in query strings.
// Whatever quotes such a URL — a log line, an exported message — gets the credential replaced.

const credentialPatterns: [RegExp, string][] = [
  [/(\/sessions\/)[^/?#\s"\\]+/g, '$1[session]'],
  [/([?&](?:api_key|token|access_token|session|sessionId)=)[^&#\s"\\]+/gi, '$1[redacted]'],
];

export function redactCredentials(text: string): string {
  return credentialPatterns.reduce((redacted, [pattern, replacement]) => redacted.replace(pattern, replacement), text);
}
