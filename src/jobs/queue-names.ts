// Queue names shared by producers (HTTP front, webhooks) and workers.
export const DIAGNOSIS_QUEUE = 'diagnosis';
