import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (pure). The receiver recomputes HMAC-SHA256 over
 * `${timestamp}.${deliveryId}.${body}` with the webhook's secret and compares; the timestamp
 * lets it refuse stale replays, the delivery id (the same on every retry) lets it deduplicate.
 */
export const SIGNATURE_HEADER = 'x-gongxiang-signature';
export const DELIVERY_HEADER = 'x-gongxiang-delivery';
export const TIMESTAMP_HEADER = 'x-gongxiang-timestamp';

export function signWebhook(secret: string, deliveryId: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${deliveryId}.${body}`).digest('hex')}`;
}

export function verifyWebhookSignature(
  secret: string,
  headers: { signature: string | undefined; deliveryId: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !headers.deliveryId || !Number.isInteger(timestamp)) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.deliveryId, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
