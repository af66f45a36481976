// What the Slack adapters send back for one inbound payload: the ack, an ephemeral follow-up, a modal.

export type SlackView = Record<string, unknown>;

export interface SlackReply {
  /** The HTTP answer to Slack (ack); undefined acks with an empty 200. */
  ack?: { response_type: 'ephemeral'; text: string } | { response_action: 'update'; view: SlackView };
  /** An ephemeral message to post to the response_url after acking. */
  followUp?: { url: string; text: string };
  /** A modal to open with views.open (within the trigger's 3 s). */
  openView?: { triggerId: string; view: SlackView };
}
