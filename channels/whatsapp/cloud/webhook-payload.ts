import { z } from 'zod';

// The shape of WhatsApp Cloud API webhook notifications (Meta's "messages" webhook reference), only the
// fields this channel reads, checked once after the signature: a field of the wrong type is a 400 here
// rather than a crash halfway through a batch. Everything is optional and unknown fields pass: Meta adds
// fields and types over time.

const text = z.string().max(65_536);
const cloudErrorSchema = z
  .object({ code: z.number().optional(), title: text.optional(), message: text.optional(), error_data: z.object({ details: text.optional() }).passthrough().optional() })
  .passthrough();

const cloudMediaSchema = z
  .object({
    id: text.optional(),
    mime_type: text.optional(),
    sha256: text.optional(),
    caption: text.optional(),
    filename: text.optional(),
    /** audio only: true for a voice note recorded in WhatsApp. */
    voice: z.boolean().optional(),
    url: text.optional(),
  })
  .passthrough();

/** `wa_id` is absent for a user who set a WhatsApp username and withholds the number; `user_id` (the BSUID) is then the only id. */
const cloudContactSchema = z
  .object({ profile: z.object({ name: text.optional(), username: text.optional() }).passthrough().optional(), wa_id: text.optional(), user_id: text.optional() })
  .passthrough();

const cloudMessageSchema = z
  .object({
    from: text.optional(),
    /** The sender's business-scoped user id (BSUID, "RO.1502576394655843"); alone, without `from`, when the user hides the number behind a username. */
    from_user_id: text.optional(),
    id: text.optional(),
    timestamp: text.optional(),
    type: text.optional(),
    text: z.object({ body: text.optional() }).passthrough().optional(),
    image: cloudMediaSchema.optional(),
    video: cloudMediaSchema.optional(),
    document: cloudMediaSchema.optional(),
    audio: cloudMediaSchema.optional(),
    sticker: cloudMediaSchema.optional(),
    location: z
      .object({ latitude: z.number().min(-90).max(90).optional(), longitude: z.number().min(-180).max(180).optional(), name: text.optional(), address: text.optional(), url: text.optional() })
      .passthrough()
      .optional(),
    interactive: z
      .object({
        type: text.optional(),
        button_reply: z.object({ id: text.optional(), title: text.optional() }).passthrough().optional(),
        list_reply: z.object({ id: text.optional(), title: text.optional(), description: text.optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
    /** A quick-reply button of a template message. */
    button: z.object({ payload: text.optional(), text: text.optional() }).passthrough().optional(),
    context: z.object({ from: text.optional(), id: text.optional() }).passthrough().optional(),
    errors: z.array(cloudErrorSchema).optional(),
  })
  .passthrough();

const cloudStatusSchema = z
  .object({ id: text.optional(), status: text.optional(), timestamp: text.optional(), recipient_id: text.optional(), errors: z.array(cloudErrorSchema).optional() })
  .passthrough();

const cloudChangeValueSchema = z
  .object({
    messaging_product: text.optional(),
    metadata: z.object({ display_phone_number: text.optional(), phone_number_id: text.optional() }).passthrough().optional(),
    contacts: z.array(cloudContactSchema).optional(),
    messages: z.array(cloudMessageSchema).optional(),
    statuses: z.array(cloudStatusSchema).optional(),
    errors: z.array(cloudErrorSchema).optional(),
  })
  .passthrough();

export const cloudWebhookPayloadSchema = z
  .object({
    object: text.optional(),
    entry: z
      .array(z.object({ id: text.optional(), changes: z.array(z.object({ field: text.optional(), value: cloudChangeValueSchema.optional() }).passthrough()).optional() }).passthrough())
      .optional(),
  })
  .passthrough();

export type CloudWebhookPayload = z.infer<typeof cloudWebhookPayloadSchema>;
export type CloudContact = z.infer<typeof cloudContactSchema>;
export type CloudMedia = z.infer<typeof cloudMediaSchema>;
export type CloudMessage = z.infer<typeof cloudMessageSchema>;
export type CloudStatus = z.infer<typeof cloudStatusSchema>;
export type CloudError = z.infer<typeof cloudErrorSchema>;
export type CloudStatusName = 'sent' | 'delivered' | 'read' | 'failed' | 'deleted' | 'warning' | 'played';

/** Where the first problem of an invalid notification is, for the 400 and the log. */
export function describePayloadProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'the body'}: ${issue.message}` : 'invalid notification';
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
