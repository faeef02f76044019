// The shape of WhatsApp Cloud API webhook notifications (Meta's "messages" webhook reference), only the
// fields this channel reads. Everything is optional: Meta adds fields and types over time.

export interface CloudWebhookPayload {
  object?: string;
  entry?: CloudEntry[];
}

export interface CloudEntry {
  id?: string;
  changes?: CloudChange[];
}

export interface CloudChange {
  field?: string;
  value?: CloudChangeValue;
}

export interface CloudChangeValue {
  messaging_product?: string;
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  contacts?: CloudContact[];
  messages?: CloudMessage[];
  statuses?: CloudStatus[];
  errors?: CloudError[];
}

export interface CloudContact {
  profile?: { name?: string };
  wa_id?: string;
}

export interface CloudMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  /** audio only: true for a voice note recorded in WhatsApp. */
  voice?: boolean;
  url?: string;
}

export interface CloudMessage {
  from?: string;
  id?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  image?: CloudMedia;
  video?: CloudMedia;
  document?: CloudMedia;
  audio?: CloudMedia;
  sticker?: CloudMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string; description?: string };
  };
  /** A quick-reply button of a template message. */
  button?: { payload?: string; text?: string };
  context?: { from?: string; id?: string };
  errors?: CloudError[];
}

export type CloudStatusName = 'sent' | 'delivered' | 'read' | 'failed' | 'deleted' | 'warning' | 'played';

export interface CloudStatus {
  id?: string;
  status?: CloudStatusName | string;
  timestamp?: string;
  recipient_id?: string;
  errors?: CloudError[];
}

export interface CloudError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}

/** "Re-engagement message": more than 24 hours passed since the citizen's last message. */
export const reEngagementErrorCode = 131047;

export function describeCloudErrors(errors: readonly CloudError[] | undefined): string {
  if (!errors || errors.length === 0) return 'no reason given by WhatsApp';
  return errors
    .map((error) => {
      const words = [error.title, error.message !== error.title ? error.message : undefined, error.error_data?.details].filter(Boolean).join(': ');
      return `${words || 'error'}${error.code !== undefined ? ` (code ${error.code})` : ''}`;
    })
    .join('; ');
}
